-- What each completed month's MRR was when it was reported. Every build reports the account-months
-- complete at its as_of (the month's last day on or before as_of). A later build that computes a
-- different MRR for such a month (a backdated cancellation, a late discount) supersedes the old
-- version and adds a new one, both dated by that build's as_of; an account-month that no longer has
-- MRR is superseded without a new version.
-- Only the recomputed months are compared (int_mrr_recompute_window): the others kept their fct_mrr
-- rows, so their reported versions cannot have changed. The window always starts at or before the
-- previous build's as_of month, so it holds every month that has become complete since.
-- Rebuilding the same as_of replaces that as_of's report rather than restating it (pre-hook,
-- macros/history.sql).

{{ config(
    materialized='incremental',
    unique_key=['account_id', 'month', 'reported_as_of'],
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    pre_hook="{{ reopen_reports_of_this_as_of() }}",
) }}

with account_months as (
    select * from {{ ref('fct_mrr') }}
    where {{ in_recompute_window('month') }}
),

reported_now as (
    select
        month,
        account_id,
        mrr
    from account_months
    where cast({{ dbt.last_day('month', 'month') }} as date) <= {{ as_of_date() }}
),

{% if is_incremental() %}

current_versions as (
    select
        month,
        account_id,
        mrr,
        reported_as_of
    from {{ this }}
    where superseded_as_of is null
        and {{ in_recompute_window('month') }}
),

compared as (
    select
        coalesce(reported_now.month, current_versions.month) as month,
        coalesce(reported_now.account_id, current_versions.account_id) as account_id,
        reported_now.mrr as reported_mrr,
        current_versions.mrr as current_mrr,
        current_versions.reported_as_of as current_reported_as_of
    from reported_now
    full outer join current_versions
        on reported_now.account_id = current_versions.account_id
        and reported_now.month = current_versions.month
    where reported_now.mrr is distinct from current_versions.mrr
),

superseded_versions as (
    select
        month,
        account_id,
        current_mrr as mrr,
        current_reported_as_of as reported_as_of,
        {{ as_of_date() }} as superseded_as_of
    from compared
    where current_mrr is not null
),

new_versions as (
    select
        month,
        account_id,
        reported_mrr as mrr,
        {{ as_of_date() }} as reported_as_of,
        cast(null as date) as superseded_as_of
    from compared
    where reported_mrr is not null
),

versions as (
    select * from superseded_versions
    union all
    select * from new_versions
),

{% else %}

versions as (
    select
        month,
        account_id,
        mrr,
        {{ as_of_date() }} as reported_as_of,
        cast(null as date) as superseded_as_of
    from reported_now
),

{% endif %}

final as (
    select
        month,
        account_id,
        cast(mrr as decimal(18, 2)) as mrr,
        cast(reported_as_of as date) as reported_as_of,
        cast(superseded_as_of as date) as superseded_as_of
    from versions
)

select * from final
