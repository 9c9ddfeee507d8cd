-- The current reported version of every completed account-month is its MRR in fct_mrr, and an
-- account-month without MRR has no current version. Checked on the months this build wrote.
-- Accounts are matched on their 64-bit key, as in assert_movements_explain_every_account_change.

with current_versions as (
    select
        *,
        {{ value_fingerprint('account_id') }} as account_key
    from {{ ref('mrr_as_reported') }}
    where superseded_as_of is null
        and {{ in_months_this_build_wrote('month') }}
),

completed_account_months as (
    select
        *,
        {{ value_fingerprint('account_id') }} as account_key
    from {{ ref('fct_mrr') }}
    where cast({{ dbt.last_day('month', 'month') }} as date) <= {{ as_of_date() }}
        and {{ in_months_this_build_wrote('month') }}
),

final as (
    select
        coalesce(current_versions.month, completed_account_months.month) as month,
        coalesce(current_versions.account_id, completed_account_months.account_id) as account_id,
        current_versions.mrr as reported_mrr,
        completed_account_months.mrr as fct_mrr
    from current_versions
    full outer join completed_account_months
        on current_versions.account_key = completed_account_months.account_key
        and current_versions.month = completed_account_months.month
    where current_versions.mrr is distinct from completed_account_months.mrr
)

select * from final
