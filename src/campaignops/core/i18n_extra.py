"""Strings Django itself shows but whose zh-Hans translation Django 6.1 does not ship yet: listed
here so `make messages` keeps them in our catalogue (ours is consulted first, LOCALE_PATHS)."""

from django.utils.translation import gettext_noop

DJANGO_STRINGS = [
    gettext_noop("- Select an option -"),  # django.db.models.fields.BLANK_CHOICE_LABEL
]
