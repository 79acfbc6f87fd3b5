from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "octip.directory"
    label = "directory"
    verbose_name = "Directory"
    #: (url name, label, permission or None): entries of the staff navigation (see core.context_processors).
    navigation: list = []
