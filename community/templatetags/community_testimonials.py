"""Published testimonials for templates (``{% load community_testimonials %}``): the
testimonials page's list and the home page block with its link to the page.

They exist because the testimonials page and the home page are Wagtail pages whose templates
need these reads; each tag calls one selector, one query.
"""

from django import template

from community import testimonial_selectors as selectors
from community.testimonial_selectors import PublishedPage, TestimonialsBlockData

register = template.Library()


@register.simple_tag(takes_context=True)
def testimonials_listing(context) -> PublishedPage:
    """``{% testimonials_listing as listing %}``: the page of published testimonials asked for
    by ``?page=`` (newest first), with the pager."""
    request = context.get("request")
    number = request.GET.get("page", 1) if request is not None else 1
    return selectors.published_page(page=number, request=request)


@register.simple_tag(takes_context=True)
def testimonials_block(context, count: int = 3) -> TestimonialsBlockData:
    """``{% testimonials_block value.count as block %}``: the newest published ones
    (``block.cards``) and the testimonials page's address (``block.page_url``)."""
    return selectors.testimonials_block(count=count, request=context.get("request"))
