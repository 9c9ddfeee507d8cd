-- The account id behind each account_key of the month models, for the models that report ids.

with revenue_lines as (
    select * from {{ ref('int_revenue_lines') }}
),

final as (
    select distinct
        account_key,
        account_id
    from revenue_lines
)

select * from final
