from django.conf import settings
from django.db import models


class Profile(models.Model):
    """The claims the provider vouches for (as an eKYC identity provider would)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    name = models.CharField(max_length=200, blank=True)
    cccd = models.CharField(max_length=20, blank=True)
    email_verified = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.name or str(self.user)
