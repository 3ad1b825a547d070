"""Demo data for a first look at Comptoir: ``python manage.py load_demo_data``."""
