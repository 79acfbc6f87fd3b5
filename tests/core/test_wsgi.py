"""The WSGI entry point gunicorn loads (``octip.wsgi``)."""

import os
import subprocess
import sys


def test_a_worker_loads_every_route_as_it_boots_not_on_its_first_request():
    # A fresh interpreter: in this one the URLconf is imported already.
    # No database connection opened on the way: with gunicorn --preload the workers fork from the
    # booted process and must not share one.
    probe = ("import sys, octip.wsgi; from django.db import connections; "
             "print('octip.urls' in sys.modules, 'octip.api' in sys.modules, 'octip.cases.views' in sys.modules, "
             "all(c.connection is None for c in connections.all()))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "DJANGO_SETTINGS_MODULE": "octip.settings"}, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True", "True", "True"]
