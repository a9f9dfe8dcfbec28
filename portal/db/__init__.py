"""Guildhall's database backend: django-tenants' PostgreSQL backend with a per-schema cache."""
