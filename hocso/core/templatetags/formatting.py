"""Template filters for numbers and dates (hocso.core.formatting): {% load formatting %} then {{ count|number }},
{{ amount|number:2 }}, {{ rate|percent }}, {{ average|score }}, {{ mark|points }}, {{ when|day }}, {{ when|moment }}."""

from django import template

from hocso.core import formatting

register = template.Library()

register.filter("number", formatting.number)
register.filter("percent", formatting.percent)
register.filter("score", formatting.score)
register.filter("points", formatting.points)
register.filter("day", formatting.day)
register.filter("moment", formatting.moment)
