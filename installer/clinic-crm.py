"""The bundle's entry point: what ``[project.scripts] clinic-crm = "crm.cli:main"`` runs."""

from crm.cli import main

if __name__ == "__main__":
    main()
