-- Rule 6: the rate of a currency in month M is its latest rate dated on or before the month's
-- snapshot, or its first rate when the month is earlier than all of them. The reporting
-- currency is always 1 (rows for it in fx_rates are ignored).

with fx_rates as (
    select * from {{ ref('stg_finance__fx_rates') }}
),

reporting_months as (
    select * from {{ ref('int_reporting_months') }}
),

valid_rates as (
    select
        currency,
        rate_date,
        rate_to_reporting
    from fx_rates
    where rejection_reason is null
        and currency != {{ reporting_currency() }}
),

ranked_rates as (
    select
        *,
        row_number() over (partition by currency order by rate_date) as rate_rank_ascending
    from valid_rates
),

first_rates as (
    select
        currency,
        rate_to_reporting as first_rate
    from ranked_rates
    where rate_rank_ascending = 1
),

rates_known_at_snapshot as (
    select
        reporting_months.month,
        valid_rates.currency,
        valid_rates.rate_to_reporting,
        row_number() over (
            partition by reporting_months.month, valid_rates.currency
            order by valid_rates.rate_date desc
        ) as recency_rank
    from reporting_months
    inner join valid_rates
        on valid_rates.rate_date <= reporting_months.snapshot_date
),

currency_months as (
    select
        reporting_months.month,
        first_rates.currency,
        coalesce(rates_known_at_snapshot.rate_to_reporting, first_rates.first_rate) as rate_to_reporting
    from reporting_months
    cross join first_rates
    left join rates_known_at_snapshot
        on reporting_months.month = rates_known_at_snapshot.month
        and first_rates.currency = rates_known_at_snapshot.currency
        and rates_known_at_snapshot.recency_rank = 1
),

reporting_currency_months as (
    select
        month,
        {{ reporting_currency() }} as currency,
        cast(1 as {{ type_exchange_rate() }}) as rate_to_reporting
    from reporting_months
),

all_currency_months as (
    select * from currency_months
    union all
    select * from reporting_currency_months
),

with_previous_month as (
    select
        month,
        currency,
        rate_to_reporting,
        lag(rate_to_reporting) over (partition by currency order by month) as previous_month_rate
    from all_currency_months
),

final as (
    -- rate_change: what moved the rate since last month (0 in a currency's first month), rule 8's fx.
    select
        month,
        currency,
        rate_to_reporting,
        cast(previous_month_rate as {{ type_exchange_rate() }}) as previous_month_rate,
        cast(
            rate_to_reporting - coalesce(previous_month_rate, rate_to_reporting) as {{ type_exchange_rate() }}
        ) as rate_change
    from with_previous_month
)

select * from final
