-- Lost MRR drill-down: every churn, and every contraction with a recorded reason, with its reason,
-- ranked within its quarter so "what was lost, from whom and why" is one filter away.

with losses as (
    select * from {{ ref('int_lost_mrr_with_reasons') }}
),

accounts as (
    select * from {{ ref('dim_accounts') }}
),

final as (
    select
        losses.month,
        losses.quarter_start,
        losses.account_id,
        accounts.account_name,
        accounts.segment,
        cast(losses.movement_type as {{ dbt.type_string() }}) as movement_type,
        cast(losses.lost_mrr as decimal(18, 2)) as lost_mrr,
        cast(losses.reason_code as {{ dbt.type_string() }}) as reason_code,
        losses.churned_on,
        cast(losses.notes as {{ dbt.type_string() }}) as notes,
        cast(row_number() over (
            partition by losses.quarter_start
            order by losses.lost_mrr desc, losses.account_id asc, losses.month asc
        ) as integer) as loss_rank_in_quarter
    from losses
    left join accounts
        on losses.account_id = accounts.account_id
)

select * from final
