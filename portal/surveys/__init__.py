"""Surveys on Wagtail's form builder."""
