from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    """The site as a whole: the home page, the menu, the root URLs and the API that mounts every app's router."""

    name = "hocso.site"
    label = "site"
    verbose_name = _("Site")
