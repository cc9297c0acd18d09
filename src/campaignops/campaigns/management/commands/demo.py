"""Load the demo campaign and users (safe to run again: it changes nothing the second time)."""

from django.core.management.base import BaseCommand

from campaignops.demo import load_all
from campaignops.planning.demo import DEMO_PASSWORD, DEMO_USERS


class Command(BaseCommand):
    help = "Load the seed campaign and one demo user per department."

    def handle(self, *args, **options):
        campaign, created = load_all()
        self.stdout.write(("Loaded" if created else "Already loaded") + f": {campaign.name}")
        self.stdout.write("Sign in at http://127.0.0.1:8000/ as one of:")
        for username, name, dept, role, _head in DEMO_USERS:
            self.stdout.write(f"  {username:<10} {name:<16} {dept.label!s:<10} role: {role}")
        self.stdout.write(f"Password for all demo users: {DEMO_PASSWORD}")
