-- Lower bound for `mrr bench`: the fastest single query we know for account-month MRR (README rules 1-7),
-- in plain DuckDB SQL on the loaded `raw` schema. It is what the full `mrr build` is compared with: no
-- validation, no rejected rows, no movements, no tests, just marts.fct_mrr's (month, account_id, mrr) rows
-- with mrr > 0, to the cent, on clean data.
--
-- Not a dbt model (dbt compiles analyses, never runs them). Compile it, then run it in a database loaded
-- by `mrr load`:
--     dbt compile --select lower_bound_account_mrr
--     set variable as_of = date '2026-10-31';
--     .read target/compiled/mrr_warehouse/analyses/lower_bound_account_mrr.sql
-- It writes table `lower_bound_account_mrr` (month, account_id, mrr).
--
-- Why it is fast: each line is expanded only over the months it counts in (unnest of an integer range per
-- line), never lines x all months, and aggregated once per pricing group and once per account; the rest,
-- shared with analyses/naive_account_mrr.sql, is macros/analyses/account_mrr_reference_query.sql.

create or replace table lower_bound_account_mrr as

{% call account_mrr_reference_query() %}
-- Rule 2: a line counts in the run of months from its start month to the month before its end month
-- (through the as_of month when it ends after as_of).
counted_lines as (
    select
        *,
        case
            when line_from <= getvariable('as_of')
                then year(line_from) * 12 + month(line_from) - 1
        end as first_month_index,
        case
            when line_to is null or line_to > getvariable('as_of')
                then year(getvariable('as_of')) * 12 + month(getvariable('as_of')) - 1
            else year(line_to) * 12 + month(line_to) - 2
        end as last_month_index
    from all_lines
),

line_months as (
    select
        account_id,
        pricing_group_id,
        currency,
        factor_numerator,
        mrr_denominator,
        mrr_numerator,
        unnest(range(first_month_index, last_month_index + 1)) as month_index
    from counted_lines
    where first_month_index <= last_month_index
),

group_months as (
    select
        month_index,
        account_id,
        pricing_group_id,
        currency,
        factor_numerator,
        mrr_denominator,
        sum(mrr_numerator) as gross_mrr_numerator
    from line_months
    group by
        month_index,
        account_id,
        pricing_group_id,
        currency,
        factor_numerator,
        mrr_denominator
),

-- The reporting calendar: from the first month any line counts through the as_of month.
calendar as (
    select
        min(first_month_index) as first_month_index,
        year(getvariable('as_of')) * 12 + month(getvariable('as_of')) - 1 as as_of_month_index
    from counted_lines
),

-- Rule 4: a discount applies in the run of months its window covers (an open start: from the first month).
discount_windows as (
    select
        discounts.subscription_id,
        discounts.percent_off,
        discounts.amount_off,
        case
            when discounts.valid_from is null then calendar.first_month_index
            when discounts.valid_from <= getvariable('as_of')
                then year(discounts.valid_from) * 12 + month(discounts.valid_from) - 1
        end as first_month_index,
        case
            when discounts.valid_to is null or discounts.valid_to > getvariable('as_of')
                then calendar.as_of_month_index
            else year(discounts.valid_to) * 12 + month(discounts.valid_to) - 2
        end as last_month_index
    from discounts
    cross join calendar
),

discount_months as (
    select
        subscription_id,
        percent_off,
        amount_off,
        unnest(range(first_month_index, last_month_index + 1)) as month_index
    from discount_windows
    where first_month_index <= last_month_index
),

reporting_months as (
    select
        month_index,
        least(
            last_day(make_date(cast(month_index // 12 as integer), cast(month_index % 12 + 1 as integer), 1)),
            getvariable('as_of')
        ) as snapshot_date
    from (
        select unnest(range(first_month_index, as_of_month_index + 1)) as month_index
        from calendar
    ) as month_indexes
),

{% endcall %}
