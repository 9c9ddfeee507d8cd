with losses as (
    select * from {{ ref('int_lost_mrr_with_reasons') }}
),

by_reason as (
    select
        quarter_start,
        reason_code,
        sum(lost_mrr) as lost_mrr,
        sum(case when movement_type = 'churn' then lost_mrr else 0 end) as churn_mrr,
        sum(case when movement_type = 'contraction' then lost_mrr else 0 end) as contraction_mrr,
        count(distinct account_id) as accounts_lost
    from losses
    group by
        quarter_start,
        reason_code
),

-- "The largest losses listed by account": an account that lost twice in a quarter for one
-- reason lost the two added up.
losses_by_account as (
    select
        quarter_start,
        reason_code,
        account_id,
        sum(lost_mrr) as lost_mrr
    from losses
    group by
        quarter_start,
        reason_code,
        account_id
),

largest_loss as (
    select
        quarter_start,
        reason_code,
        account_id,
        lost_mrr,
        row_number() over (
            partition by quarter_start, reason_code
            order by lost_mrr desc, account_id asc
        ) as loss_rank
    from losses_by_account
),

final as (
    select
        by_reason.quarter_start,
        cast(by_reason.reason_code as {{ dbt.type_string() }}) as reason_code,
        cast(by_reason.lost_mrr as decimal(18, 2)) as lost_mrr,
        cast(by_reason.churn_mrr as decimal(18, 2)) as churn_mrr,
        cast(by_reason.contraction_mrr as decimal(18, 2)) as contraction_mrr,
        cast(by_reason.accounts_lost as integer) as accounts_lost,
        cast(largest_loss.account_id as {{ dbt.type_string() }}) as largest_loss_account_id,
        cast(largest_loss.lost_mrr as decimal(18, 2)) as largest_loss_mrr
    from by_reason
    inner join largest_loss
        on by_reason.quarter_start = largest_loss.quarter_start
        and by_reason.reason_code = largest_loss.reason_code
        and largest_loss.loss_rank = 1
)

select * from final
