from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "octip.jobs"
    label = "jobs"
    verbose_name = _("Background jobs")
    #: (url name, label, permission or None): entries of the staff navigation (see core.context_processors).
    navigation: list = [
        ("jobs:failed", _("Failed jobs"), "jobs.manage"),
    ]

    def ready(self) -> None:
        from django_tasks.signals import task_finished

        from .services import on_task_finished

        task_finished.connect(on_task_finished, dispatch_uid="jobs.on_task_finished")
