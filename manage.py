#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys

# Commands that only read the code and write files for developers: they never serve a request or
# touch a production secret, so they need no SECRET_KEY and run with development settings unless
# DEBUG is set. Everything else defaults to production settings (DEBUG off), which refuse to start
# without SECRET_KEY, ALLOWED_HOSTS and the virus scanner.
DEVELOPER_ONLY_COMMANDS = {"makemigrations"}


def main():
    if sys.argv[1:2] and sys.argv[1] in DEVELOPER_ONLY_COMMANDS:
        os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accreditation.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
