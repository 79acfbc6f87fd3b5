import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "octip.settings")
application = get_wsgi_application()


def _load_every_route() -> None:
    # Django imports the URLconf (every app's views, the API's schemas, matplotlib) on a worker's first
    # request: 4-5 s that the first person to reach each new worker would wait. Do it as the worker
    # boots instead (once, before forking, with gunicorn --preload).
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - the property imports them


_load_every_route()
