"""URLs of the community's testimonial pages, under /community/ in the ``community`` namespace
(spread into ``community.urls``). The published testimonials are on the Wagtail
``TestimonialsPage``; staff screens are in the admin (``community.staff.testimonials``)."""

from django.urls import URLPattern, path

from community import testimonial_views

urlpatterns: list[URLPattern] = [
    path("testimonials/mine/", testimonial_views.mine, name="testimonials_mine"),
    path("testimonials/<int:pk>/", testimonial_views.detail, name="testimonial"),
    path("testimonials/<int:pk>/write/", testimonial_views.write, name="testimonial_write"),
    path("testimonials/<int:pk>/approve/", testimonial_views.approve, name="testimonial_approve"),
    path(
        "testimonials/<int:pk>/withdraw/", testimonial_views.withdraw, name="testimonial_withdraw"
    ),
]
