-- Account-months whose MRR changed after it was first reported (snapshots/mrr_as_reported.sql):
-- the first reported figure, the figure now, by how much and as of when it changed.

with reported_versions as (
    select * from {{ ref('mrr_as_reported') }}
),

changed_keys as (
    -- Almost every account-month has one current version; only the others can be restatements.
    select account_month_key
    from reported_versions
    group by account_month_key
    having count(*) > 1 or count(dbt_valid_to) > 0
),

ranked_versions as (
    select
        reported_versions.month,
        reported_versions.account_id,
        reported_versions.mrr,
        reported_versions.dbt_valid_from,
        reported_versions.dbt_valid_to,
        row_number() over (
            partition by reported_versions.account_month_key order by reported_versions.dbt_valid_from asc
        ) as version_number,
        row_number() over (
            partition by reported_versions.account_month_key order by reported_versions.dbt_valid_from desc
        ) as recency_rank,
        count(*) over (partition by reported_versions.account_month_key) as version_count
    from reported_versions
    inner join changed_keys
        on reported_versions.account_month_key = changed_keys.account_month_key
),

first_and_latest as (
    select
        month,
        account_id,
        max(case when version_number = 1 then mrr end) as first_reported_mrr,
        max(case when version_number = 1 then dbt_valid_from end) as first_reported_as_of,
        max(case when recency_rank = 1 and dbt_valid_to is null then mrr end) as current_mrr,
        max(case when recency_rank = 1 then coalesce(dbt_valid_to, dbt_valid_from) end) as last_changed_as_of,
        max(version_count) as version_count,
        max(case when recency_rank = 1 and dbt_valid_to is not null then 1 else 0 end) as is_withdrawn
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
    where version_count > 1 or is_withdrawn = 1
)

select * from final
