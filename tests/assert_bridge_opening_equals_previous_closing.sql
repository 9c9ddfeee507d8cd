with bridge as (
    select
        month,
        opening_mrr,
        opening_customers,
        lag(closing_mrr) over (order by month) as previous_closing_mrr,
        lag(closing_customers) over (order by month) as previous_closing_customers,
        row_number() over (order by month) as month_number
    from {{ ref('mrr_bridge_monthly') }}
)

select *
from bridge
where (month_number = 1 and (opening_mrr != 0 or opening_customers != 0))
    or (
        month_number > 1
        and (opening_mrr != previous_closing_mrr or opening_customers != previous_closing_customers)
    )
