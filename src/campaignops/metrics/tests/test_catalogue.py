"""The metric catalogue (names, units, custom metrics, core metrics per campaign type) and the demo's
numbers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Sum
from django.utils import translation

from campaignops.metrics import catalogue as cat
from campaignops.metrics import services
from campaignops.metrics.demo import daily_numbers, extend_demo
from campaignops.metrics.domain.kpi import RAW_METRICS, derive
from campaignops.metrics.models import Observation


def test_every_raw_metric_has_names_and_ratios_know_their_formula():
    assert set(RAW_METRICS) <= {c for c, m in cat.BUILTIN.items() if m.kind == "raw"}
    assert (cat.BUILTIN["ctr"].numerator, cat.BUILTIN["ctr"].denominator, cat.BUILTIN["ctr"].scale) == (
        "clicks", "impressions", Decimal(100))
    assert cat.BUILTIN["roas"].name_en == "ROAS (revenue ÷ ad spend)"
    assert cat.BUILTIN["roi"].formula == "(revenue − cost) ÷ cost × 100 %"
    assert not cat.BUILTIN["cpa"].higher_is_better and cat.BUILTIN["spend"].is_money
    with translation.override("zh-hans"):
        assert cat.BUILTIN["impressions"].name == "曝光量"
    assert cat.BUILTIN["impressions"].name == "Impressions"


def test_core_metrics_and_the_crowded_board_warning():
    assert cat.core_metrics("offline_brand") == ("store_visitors", "leads", "engagements", "favourability")
    assert cat.board_warning("product_launch", ["impressions", "conversions", "cvr"]) is None
    crowded = ["impressions", "reach", "clicks", "ctr", "cpc", "cpm", "engagements", "engagement_rate", "nps"]
    assert cat.board_warning("product_launch", crowded) == (
        "This board shows 9 metrics; a campaign of this type needs mainly these: Impressions, Clicks, "
        "Click-through rate, Conversions, Conversion rate, Revenue (GMV). Consider hiding the others.")


def test_custom_metrics_join_the_catalogue(demo, users):
    services.custom_metric_create(campaign=demo, code="samples_given", name_en="Samples given", name_zh="派样数",
                                  actor=users["lead"])
    services.custom_metric_create(campaign=demo, code="sample_rate", name_en="Samples per visitor",
                                  kind="derived", numerator="samples_given", denominator="store_visitors",
                                  scale=Decimal(100), unit="percent", actor=users["lead"])
    catalogue = cat.catalogue(demo)
    assert catalogue["sample_rate"].formula == "samples_given ÷ store_visitors × 100"
    assert "samples_given" in cat.raw_codes(demo) and "sample_rate" not in cat.raw_codes(demo)
    with translation.override("zh-hans"):
        assert catalogue["samples_given"].name == "派样数"


def test_the_demo_tells_its_story(demo, users):
    qs = Observation.objects.filter(campaign=demo)
    assert qs.count() == len(daily_numbers()) == 244
    by_due = {m: s for m, s in qs.filter(day__lte=dt.date(2024, 6, 17)).values_list("metric")
              .annotate(s=Sum("value"))}
    assert by_due["impressions"] > 500_000                     # exposure well ahead of the target
    cvr = derive("cvr", by_due)
    assert Decimal(2) < cvr < Decimal(3)                      # conversion lags the 5 % target
    total = {m: s for m, s in qs.values_list("metric").annotate(s=Sum("value"))}
    assert by_due["store_visitors"] == 525 and by_due["live_views"] == 106_570   # both met by 17 June
    assert total["store_visitors"] == 742 and total["live_views"] == 112_160
    assert total["reviews"] == 206 and total["complaints"] == 5
    assert derive("complaint_rate", total) < 1
    extend_demo(demo, users)                                  # idempotent
    assert qs.count() == 244
