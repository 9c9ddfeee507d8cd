-- Naive reference for `mrr bench`: account-month MRR (README rules 1-7) written the common dbt way, a
-- month spine cross-joined with every revenue line (and every discount), then reduced to the months a
-- line counts in. Its cost grows with lines x all months, which is what the warehouse must not do; the
-- bench times it on the same data to show the difference. Same result as
-- analyses/lower_bound_account_mrr.sql and marts.fct_mrr (rows with mrr > 0), to the cent, on clean data:
-- the two share macros/analyses/account_mrr_reference_query.sql and differ only in the CTEs below, how lines and
-- discounts meet the months.
--
-- Not a dbt model (dbt compiles analyses, never runs them). Compile it, then run it in a database loaded
-- by `mrr load`:
--     dbt compile --select naive_account_mrr
--     set variable as_of = date '2026-10-31';
--     .read target/compiled/mrr_warehouse/analyses/naive_account_mrr.sql
-- It writes table `naive_account_mrr` (month, account_id, mrr).

create or replace table naive_account_mrr as

{% call account_mrr_reference_query() %}
-- Every month from the first line's month through the as_of month, measured on its snapshot day.
reporting_months as (
    select
        year(spine.month) * 12 + month(spine.month) - 1 as month_index,
        least(cast(last_day(spine.month) as date), getvariable('as_of')) as snapshot_date
    from (
        select
            unnest(generate_series(
                date_trunc('month', min(line_from)),
                date_trunc('month', getvariable('as_of')),
                interval 1 month
            )) as month
        from all_lines
    ) as spine
),

-- The naive step: every line against every month, each pair marked whether the line counts in that
-- month (rule 2), and only the aggregation below drops the months it does not. (Written as a filter on
-- the cross join, DuckDB would plan a range join and this would not be the naive query any more.)
line_months as (
    select
        reporting_months.month_index,
        all_lines.account_id,
        all_lines.pricing_group_id,
        all_lines.currency,
        all_lines.factor_numerator,
        all_lines.mrr_denominator,
        all_lines.mrr_numerator,
        all_lines.line_from <= reporting_months.snapshot_date
        and (all_lines.line_to is null or reporting_months.snapshot_date < all_lines.line_to) as counts_in_month
    from all_lines
    cross join reporting_months
),

group_months as (
    select
        month_index,
        account_id,
        pricing_group_id,
        currency,
        factor_numerator,
        mrr_denominator,
        sum(case when counts_in_month then mrr_numerator else 0 end) as gross_mrr_numerator
    from line_months
    group by
        month_index,
        account_id,
        pricing_group_id,
        currency,
        factor_numerator,
        mrr_denominator
    having max(case when counts_in_month then 1 else 0 end) = 1
),

-- Rule 4, the same naive way: every discount against every month, then filtered.
discount_months as (
    select
        reporting_months.month_index,
        discounts.subscription_id,
        discounts.percent_off,
        discounts.amount_off
    from discounts
    cross join reporting_months
    where (discounts.valid_from is null or discounts.valid_from <= reporting_months.snapshot_date)
        and (discounts.valid_to is null or reporting_months.snapshot_date < discounts.valid_to)
),

{% endcall %}
