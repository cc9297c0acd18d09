"""Pure report logic (no Django): verdicts, channel ranking, the funnel's weakest step, schedule and
issue facts, and the points a narrative is drafted from."""
