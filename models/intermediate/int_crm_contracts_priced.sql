-- Rule 5: a sales-led contract counts amount_per_period / months per month over
-- [start_date, end_date); drafts never count. Kept as a fraction over 12 like subscription
-- items: monthly 12/12, quarterly 4/12, semiannual 2/12, annual 1/12.

with contracts as (
    select * from {{ ref('stg_crm__contracts') }}
),

accounts as (
    select * from {{ ref('stg_crm__accounts') }}
),

currencies_with_rate as (
    select * from {{ ref('int_currencies_with_rates') }}
),

valid_accounts as (
    select account_id from accounts
    where rejection_reason is null
),

{#- Used twice below: as the reason, and to keep the raw text of rejected rows only. -#}
{%- set rejection_reason -%}
    coalesce(
        contracts.rejection_reason,
        {{ unknown_reference('contracts.account_id', 'valid_accounts.account_id', 'crm_accounts') }},
        {{ unknown_reference(
            'contracts.currency', 'currencies_with_rate.currency', 'fx_rates', problem='has no fx_rates row'
        ) }},
        {{ amount_beyond_limit(['contracts.amount_per_period'], 'amount_per_period') }}
    )
{%- endset %}

priced as (
    select
        contracts.contract_id,
        contracts.account_id,
        contracts.product_id,
        contracts.status,
        contracts.billing_frequency,
        contracts.amount_per_period,
        contracts.currency,
        case contracts.billing_frequency
            when 'monthly' then 12
            when 'quarterly' then 4
            when 'semiannual' then 2
            when 'annual' then 1
        end as factor_numerator,
        12 as mrr_denominator,
        contracts.start_date as line_from,
        contracts.end_date as line_to,
        contracts.source_row_number,
        contracts.raw_row_count,
        {{ rejection_reason }} as rejection_reason,
        {{ raw_row_if_rejected('contracts.raw_row', rejection_reason) }} as raw_row
    from contracts
    left join valid_accounts
        on contracts.account_id = valid_accounts.account_id
    left join currencies_with_rate
        on contracts.currency = currencies_with_rate.currency
),

final as (
    select
        *,
        -- Only accepted lines are priced, as in int_subscription_items_priced.
        cast(
            case when rejection_reason is null then amount_per_period * factor_numerator end
            as {{ type_mrr_numerator() }}
        ) as mrr_numerator
    from priced
)

select * from final
