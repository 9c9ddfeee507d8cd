-- Every valid recurring revenue line, from billing items and CRM contracts, in one shape,
-- with the run of months in which it counts (rule 2). Lines that never count are dropped here
-- (they are valid rows that simply earn nothing, e.g. a trial that never converted).
-- account_key and customer_key stand in for the ids in the month models (macros/splits.sql).

with items as (
    select * from {{ ref('int_subscription_items_priced') }}
),

contracts as (
    select * from {{ ref('int_crm_contracts_priced') }}
),

item_lines as (
    select
        'subscription_item' as line_source,
        subscription_item_id as line_id,
        account_id,
        customer_id,
        subscription_id as pricing_group_id,
        product_id,
        plan_id,
        currency,
        quantity,
        factor_numerator,
        mrr_denominator,
        mrr_numerator,
        line_from,
        line_to
    from items
    where rejection_reason is null
),

contract_lines as (
    select
        'crm_contract' as line_source,
        contract_id as line_id,
        account_id,
        cast(null as varchar) as customer_id,
        'contract:' || contract_id as pricing_group_id,
        product_id,
        cast(null as varchar) as plan_id,
        currency,
        cast(1 as decimal(20, 6)) as quantity,
        factor_numerator,
        mrr_denominator,
        mrr_numerator,
        line_from,
        line_to
    from contracts
    where rejection_reason is null
        and status != 'draft'
),

all_lines as (
    select * from item_lines
    union all
    select * from contract_lines
),

with_counted_months as (
    select
        *,
        {{ value_fingerprint('account_id') }} as account_key,
        {{ value_fingerprint('customer_id') }} as customer_key,
        {{ first_counted_month('line_from') }} as first_counted_month,
        {{ last_counted_month('line_to') }} as last_counted_month
    from all_lines
),

final as (
    select * from with_counted_months
    where first_counted_month <= last_counted_month
)

select * from final
