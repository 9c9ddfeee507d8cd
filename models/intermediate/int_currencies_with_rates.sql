-- Rule 6: the currencies a line may be priced in: every currency with at least one valid
-- fx_rates row, plus the reporting currency (always rate 1). Lines in any other currency are rejected.

with fx_rates as (
    select * from {{ ref('stg_finance__fx_rates') }}
),

final as (
    select distinct currency from fx_rates
    where rejection_reason is null
    union
    select {{ reporting_currency() }} as currency
)

select * from final
