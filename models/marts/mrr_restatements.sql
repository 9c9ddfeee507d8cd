-- Account-months whose MRR changed after it was first reported (history model mrr_as_reported):
-- the first reported figure, the figure now, by how much and as of when it changed.

with reported_versions as (
    select * from {{ ref('mrr_as_reported') }}
),

restated_account_months as (
    -- A changed or withdrawn figure leaves a superseded version; almost every account-month has none.
    select distinct
        month,
        account_id
    from reported_versions
    where superseded_as_of is not null
),

ranked_versions as (
    select
        reported_versions.month,
        reported_versions.account_id,
        reported_versions.mrr,
        reported_versions.reported_as_of,
        reported_versions.superseded_as_of,
        row_number() over (
            partition by reported_versions.account_id, reported_versions.month
            order by reported_versions.reported_as_of asc
        ) as version_number
    from reported_versions
    inner join restated_account_months
        on reported_versions.account_id = restated_account_months.account_id
        and reported_versions.month = restated_account_months.month
),

first_and_latest as (
    select
        month,
        account_id,
        max(case when version_number = 1 then mrr end) as first_reported_mrr,
        min(reported_as_of) as first_reported_as_of,
        max(case when superseded_as_of is null then mrr end) as current_mrr,
        max(coalesce(superseded_as_of, reported_as_of)) as last_changed_as_of,
        count(*) as version_count
    from ranked_versions
    group by
        month,
        account_id
),

final as (
    select
        month,
        account_id,
        cast(first_reported_mrr as decimal(18, 2)) as first_reported_mrr,
        cast(first_reported_as_of as date) as first_reported_as_of,
        cast(coalesce(current_mrr, 0) as decimal(18, 2)) as current_mrr,
        cast(coalesce(current_mrr, 0) - first_reported_mrr as decimal(18, 2)) as mrr_restated_by,
        cast(last_changed_as_of as date) as restated_as_of,
        cast(version_count as integer) as reported_versions
    from first_and_latest
)

select * from final
