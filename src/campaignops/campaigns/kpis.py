"""The built-in KPI names a target can point at (the full catalogue lives with the metrics)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Metric(models.TextChoices):
    IMPRESSIONS = "impressions", _("Impressions")
    REACH = "reach", _("Reach")
    CLICKS = "clicks", _("Clicks")
    CTR = "ctr", _("Click-through rate")
    ENGAGEMENTS = "engagements", _("Engagements")
    ENGAGEMENT_RATE = "engagement_rate", _("Engagement rate")
    CONVERSIONS = "conversions", _("Conversions")
    CVR = "cvr", _("Conversion rate")
    ORDERS = "orders", _("Orders")
    GMV = "gmv", _("GMV (revenue)")
    SPEND = "spend", _("Spend")
    ROAS = "roas", _("ROAS (revenue ÷ ad spend)")
    ROI = "roi", _("ROI ((revenue − cost) ÷ cost)")
    CPA = "cpa", _("Cost per acquisition")
    LIVE_VIEWS = "live_views", _("Live-stream views")
    STORE_VISITORS = "store_visitors", _("Store visitors")
    LEADS = "leads", _("Leads")
    REVIEWS = "reviews", _("Reviews collected")
    COMPLAINT_RATE = "complaint_rate", _("Complaint rate")
    NPS = "nps", _("NPS")
    FAVOURABILITY = "favourability", _("Favourability")
    OTHER = "other", _("Other")


class Unit(models.TextChoices):
    COUNT = "count", _("count")
    PERCENT = "percent", _("%")
    MONEY = "money", _("money")
    RATIO = "ratio", _("ratio")
