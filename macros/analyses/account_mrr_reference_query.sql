-- The query behind analyses/lower_bound_account_mrr.sql and analyses/naive_account_mrr.sql: account-month
-- MRR (README rules 1-7) in plain DuckDB SQL on the loaded `raw` schema (every column text, cast here).
-- The two differ only in how revenue lines and discounts meet the months, which the caller writes as CTEs
-- (each followed by a comma) that define these three, each month as month_index = year * 12 + month - 1:
--   reporting_months (month_index, snapshot_date): every month from the first one a line counts in
--       through the as_of month, with its snapshot day (the month's last day, or as_of);
--   group_months (month_index, account_id, pricing_group_id, currency, factor_numerator, mrr_denominator,
--       gross_mrr_numerator): each pricing group's undiscounted MRR numerator in each month it counts in
--       (rule 2: from its start month to the month before its end month);
--   discount_months (month_index, subscription_id, percent_off, amount_off): each discount in each month
--       its window covers (rule 4; an open start: from the first month).
-- The caller reads all_lines (one row per revenue line: line_from, line_to, its pricing group's keys and
-- mrr_numerator) and discounts (valid_from, valid_to). What follows is shared: discounts applied (percent,
-- then amounts, never below zero), converted at the month's rate (rule 6), added up per account.
-- Money is estimated in doubles; the few account-months whose estimate lies near a half cent are
-- recomputed with the models' exact decimal steps, so every cent matches marts.fct_mrr. Assumes every
-- 12 x interval_count divides 332640 (interval counts 1-12, as generated).

{% macro account_mrr_reference_query() %}

with customers as (
    select
        customer_id,
        coalesce(account_id, customer_id) as account_id
    from raw.billing_customers
),

subscriptions as (
    select
        raw_subscriptions.subscription_id,
        customers.account_id,
        greatest(
            cast(raw_subscriptions.created_at as date), cast(raw_subscriptions.trial_end as date)
        ) as billable_from,
        cast(raw_subscriptions.ended_at as date) as billable_to
    from raw.billing_subscriptions as raw_subscriptions
    inner join customers
        on raw_subscriptions.customer_id = customers.customer_id
),

plans as (
    select
        plan_id,
        upper(currency) as currency,
        cast(unit_amount as decimal(26, 12)) as unit_amount,
        case lower(billing_interval)
            when 'month' then 12
            when 'year' then 1
            when 'week' then 52
            when 'day' then 365
        end as factor_numerator,
        12 * coalesce(cast(cast(interval_count as decimal(20, 6)) as bigint), 1) as mrr_denominator
    from raw.billing_plans
),

item_lines as (
    select
        subscriptions.account_id,
        items.subscription_id as pricing_group_id,
        plans.currency,
        plans.factor_numerator,
        plans.mrr_denominator,
        -- At 12 decimals; a whole quantity under 1,000 multiplies as an integer (no 24-decimal product to cut).
        case
            when items.quantity is null then plans.unit_amount * plans.factor_numerator
            when cast(items.quantity as double) = floor(cast(items.quantity as double))
                and cast(items.quantity as double) < 1000
                then plans.unit_amount * cast(cast(items.quantity as double) as bigint) * plans.factor_numerator
            else
                cast(
                    plans.unit_amount * cast(items.quantity as decimal(26, 12)) * plans.factor_numerator
                    as decimal(38, 12)
                )
        end as mrr_numerator,
        greatest(cast(items.valid_from as date), subscriptions.billable_from) as line_from,
        least(cast(items.valid_to as date), subscriptions.billable_to) as line_to
    from raw.billing_subscription_items as items
    inner join subscriptions
        on items.subscription_id = subscriptions.subscription_id
    inner join plans
        on items.plan_id = plans.plan_id
),

contracts as (
    select
        account_id,
        'contract:' || contract_id as pricing_group_id,
        upper(currency) as currency,
        case lower(billing_frequency)
            when 'monthly' then 12
            when 'quarterly' then 4
            when 'semiannual' then 2
            when 'annual' then 1
        end as factor_numerator,
        cast(amount_per_period as decimal(26, 12)) as amount_per_period,
        cast(start_date as date) as line_from,
        cast(end_date as date) as line_to
    from raw.crm_contracts
    where lower(status) != 'draft'
),

contract_lines as (
    select
        account_id,
        pricing_group_id,
        currency,
        factor_numerator,
        12 as mrr_denominator,
        amount_per_period * factor_numerator as mrr_numerator,
        line_from,
        line_to
    from contracts
),

all_lines as (
    select * from item_lines
    union all
    select * from contract_lines
),

-- Rule 4's discounts: each with its window (valid_from, valid_to).
discounts as (
    select
        subscription_id,
        cast(percent_off as decimal(15, 12)) as percent_off,
        cast(amount_off as decimal(26, 12)) as amount_off,
        cast(valid_from as date) as valid_from,
        cast(valid_to as date) as valid_to
    from raw.billing_discounts
),


{{ caller() }}

subscription_discounts as (
    select
        month_index,
        subscription_id,
        -- DuckDB's lambda syntax is newer than sqlfluff's parser.
        list_reduce(  -- noqa: PRS
            list(cast(1 - coalesce(percent_off, 0) * 0.01 as decimal(38, 14))),
            lambda a, b: cast(a * b as decimal(38, 14))
        ) as percent_factor,
        sum(amount_off) as amount_off_per_period
    from discount_months
    group by
        month_index,
        subscription_id
),


-- Rule 6: the latest rate dated on or before the month's snapshot, else the currency's first rate.
rates as (
    select
        upper(currency) as currency,
        cast(rate_date as date) as rate_date,
        cast(rate_to_reporting as decimal(38, 15)) as rate_to_reporting
    from raw.fx_rates
    where upper(currency) != 'USD'
),

currency_months as (
    select
        reporting_months.month_index,
        rates.currency,
        coalesce(
            arg_max(rates.rate_to_reporting, rates.rate_date) filter (
                where rates.rate_date <= reporting_months.snapshot_date
            ),
            arg_min(rates.rate_to_reporting, rates.rate_date)
        ) as rate_to_reporting
    from reporting_months
    cross join rates
    group by
        reporting_months.month_index,
        rates.currency
    union all
    select
        month_index,
        'USD' as currency,
        cast(1 as decimal(38, 15)) as rate_to_reporting
    from reporting_months
),

-- Rules 4, 6 and 7, first in doubles: each pricing group's MRR (percent discounts, then amounts, never below
-- zero, at the month's rate) in cents, added up per account.
estimated_groups as (
    select
        group_months.month_index,
        group_months.account_id,
        case
            when subscription_discounts.subscription_id is null then cast(group_months.gross_mrr_numerator as double)
            else
                greatest(
                    cast(group_months.gross_mrr_numerator as double)
                    * cast(coalesce(subscription_discounts.percent_factor, 1) as double)
                    - cast(coalesce(subscription_discounts.amount_off_per_period, 0) as double)
                    * group_months.factor_numerator,
                    0
                )
        end * cast(currency_months.rate_to_reporting as double) * 100 / group_months.mrr_denominator as estimated_cents
    from group_months
    inner join currency_months
        on group_months.currency = currency_months.currency
        and group_months.month_index = currency_months.month_index
    left join subscription_discounts
        on group_months.pricing_group_id = subscription_discounts.subscription_id
        and group_months.month_index = subscription_discounts.month_index
),

estimated_accounts as (
    select
        month_index,
        account_id,
        sum(estimated_cents) as estimated_cents
    from estimated_groups
    group by
        month_index,
        account_id
),

-- A double estimate rounds to the right cent unless it lies within 1/10,000 cent of a half cent (its error is
-- far below that under 10^10 cents); only those account-months are computed exactly, below.
unsafe_accounts as (
    select
        month_index,
        account_id
    from estimated_accounts
    where not (estimated_cents < 10000000000 and abs(estimated_cents - trunc(estimated_cents) - 0.5) > 0.0001)
),

-- The models' exact decimal steps: discounted numerators cut to 12 decimals...
exact_groups as (
    select
        group_months.month_index,
        group_months.account_id,
        group_months.mrr_denominator,
        greatest(
            cast(
                group_months.gross_mrr_numerator * coalesce(subscription_discounts.percent_factor, 1)
                - coalesce(subscription_discounts.amount_off_per_period, 0) * group_months.factor_numerator
                as decimal(38, 12)
            ),
            0
        ) as local_numerator,
        currency_months.rate_to_reporting
    from group_months
    inner join unsafe_accounts
        on group_months.account_id = unsafe_accounts.account_id
        and group_months.month_index = unsafe_accounts.month_index
    inner join currency_months
        on group_months.currency = currency_months.currency
        and group_months.month_index = currency_months.month_index
    left join subscription_discounts
        on group_months.pricing_group_id = subscription_discounts.subscription_id
        and group_months.month_index = subscription_discounts.month_index
),

-- ...converted at 12 decimals (the rate's first 10 decimals, then the rest, within 38 digits)...
exact_converted_groups as (
    select
        month_index,
        account_id,
        mrr_denominator,
        cast(
            local_numerator * cast(rate_to_reporting as decimal(20, 10))
            + cast(
                cast(local_numerator as decimal(38, 6))
                * (rate_to_reporting - cast(rate_to_reporting as decimal(20, 10)))
                as decimal(38, 22)
            )
            as decimal(38, 12)
        ) as mrr_numerator
    from exact_groups
),

-- ...over the shared denominator 332640, added up, rounded half away from zero in integers: whole cents =
-- (2u + d) // 2d with u the sum's unscaled value (12 decimals) and d = 332640 x 10^10.
exact_accounts as (
    select
        month_index,
        account_id,
        cast(
            (2 * cast(sum(mrr_numerator * (332640 // mrr_denominator)) * 1000000000000 as hugeint) + 3326400000000000)
            // 6652800000000000 as bigint
        ) as mrr_cents
    from exact_converted_groups
    group by
        month_index,
        account_id
),

account_cents as (
    select
        estimated_accounts.month_index,
        estimated_accounts.account_id,
        coalesce(exact_accounts.mrr_cents, cast(round(estimated_accounts.estimated_cents) as bigint)) as mrr_cents
    from estimated_accounts
    left join exact_accounts
        on estimated_accounts.account_id = exact_accounts.account_id
        and estimated_accounts.month_index = exact_accounts.month_index
),

final as (
    select
        make_date(cast(month_index // 12 as integer), cast(month_index % 12 + 1 as integer), 1) as month,
        account_id,
        cast(mrr_cents * cast(0.01 as decimal(3, 2)) as decimal(18, 2)) as mrr
    from account_cents
    where mrr_cents > 0
)

select * from final

{% endmacro %}
