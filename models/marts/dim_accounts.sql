-- Reporting accounts: every valid CRM account, plus billing customers without a CRM account
-- (they report as themselves, rule 1). Billing customer names are personal data and stay out.

with crm_accounts as (
    select * from {{ ref('stg_crm__accounts') }}
),

customers as (
    select * from {{ ref('int_billing_customers_mapped_to_accounts') }}
),

account_changes as (
    select * from {{ ref('int_account_mrr_changes') }}
),

crm_reporting_accounts as (
    select
        account_id,
        'crm' as account_source,
        account_name,
        parent_account_id,
        segment,
        industry,
        region,
        owner,
        created_at
    from crm_accounts
    where rejection_reason is null
),

billing_only_accounts as (
    select
        reporting_account_id as account_id,
        'billing' as account_source,
        cast(null as {{ dbt.type_string() }}) as account_name,
        cast(null as {{ dbt.type_string() }}) as parent_account_id,
        cast(null as {{ dbt.type_string() }}) as segment,
        cast(null as {{ dbt.type_string() }}) as industry,
        cast(null as {{ dbt.type_string() }}) as region,
        cast(null as {{ dbt.type_string() }}) as owner,
        created_at
    from customers
    where rejection_reason is null
        and crm_account_id is null
),

reporting_accounts as (
    select * from crm_reporting_accounts
    union all
    select * from billing_only_accounts
),

account_activity as (
    select
        account_id,
        min(case when closing_mrr > 0 then month end) as first_active_month,
        max(case when closing_mrr > 0 then month end) as last_active_month,
        sum(case when month = {{ as_of_month() }} then closing_mrr else 0 end) as current_mrr
    from account_changes
    group by account_id
),

final as (
    select
        reporting_accounts.account_id,
        reporting_accounts.account_source,
        reporting_accounts.account_name,
        reporting_accounts.parent_account_id,
        reporting_accounts.segment,
        reporting_accounts.industry,
        reporting_accounts.region,
        reporting_accounts.owner,
        reporting_accounts.created_at,
        account_activity.first_active_month,
        account_activity.last_active_month,
        cast(coalesce(account_activity.current_mrr, 0) as decimal(18, 2)) as current_mrr,
        coalesce(account_activity.current_mrr, 0) > 0 as is_active
    from reporting_accounts
    left join account_activity
        on reporting_accounts.account_id = account_activity.account_id
)

select * from final
