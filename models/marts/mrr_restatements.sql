-- Account-months whose MRR changed after it was first reported (history model mrr_as_reported):
-- the first reported figure, the figure now, by how much and as of when it changed.
-- An account-month a month's first report did not have (revenue added later: a backdated contract
-- or subscription) was first reported as 0; one that only ever had 0 (a churn month later withdrawn)
-- never changed.

-- Each reader of the versions reads them itself: DuckDB would hold a CTE read twice in memory.
with versions_to_compare as (
    select * from {{ ref('mrr_as_reported') }}
),

versions_to_rank as (
    select * from {{ ref('mrr_as_reported') }}
),

versions_for_reports as (
    select * from {{ ref('mrr_as_reported') }}
),

builds as (
    select * from {{ ref('mrr_report_dates') }}
),

-- Months x builds: a few thousand rows, read twice below.
month_reports as (
    select distinct
        month,
        reported_as_of
    from versions_for_reports
),

-- Every build is a report, the ones that had nothing to report too. The versions' own dates cover
-- a history written before mrr_report_dates was.
report_dates as (
    select reported_as_of from builds
    union
    select reported_as_of from month_reports
),

reported_months as (
    select distinct month
    from month_reports
),

-- A month is first reported by the first build whose as_of is on or after its last day.
month_first_reports as (
    select
        reported_months.month,
        min(report_dates.reported_as_of) as first_reported_as_of
    from reported_months
    inner join report_dates
        on report_dates.reported_as_of >= cast({{ dbt.last_day('reported_months.month', 'month') }} as date)
    group by reported_months.month
),

restated_account_months as (
    -- A changed or withdrawn figure leaves a superseded version, a late one is dated after its
    -- month's first report; almost every account-month has neither.
    select distinct
        versions_to_compare.month,
        versions_to_compare.account_id
    from versions_to_compare
    inner join month_first_reports
        on versions_to_compare.month = month_first_reports.month
    where versions_to_compare.superseded_as_of is not null
        or versions_to_compare.reported_as_of > month_first_reports.first_reported_as_of
),

ranked_versions as (
    select
        versions_to_rank.month,
        versions_to_rank.account_id,
        versions_to_rank.mrr,
        versions_to_rank.reported_as_of,
        versions_to_rank.superseded_as_of,
        row_number() over (
            partition by versions_to_rank.account_id, versions_to_rank.month
            order by versions_to_rank.reported_as_of asc
        ) as version_number
    from versions_to_rank
    inner join restated_account_months
        on versions_to_rank.account_id = restated_account_months.account_id
        and versions_to_rank.month = restated_account_months.month
),

first_and_latest as (
    select
        month,
        account_id,
        max(case when version_number = 1 then mrr end) as first_version_mrr,
        min(reported_as_of) as first_version_as_of,
        max(case when superseded_as_of is null then mrr end) as current_mrr,
        max(coalesce(superseded_as_of, reported_as_of)) as last_changed_as_of,
        max(abs(mrr)) as largest_mrr,
        count(*) as version_count
    from ranked_versions
    group by
        month,
        account_id
),

with_first_report as (
    select
        first_and_latest.month,
        first_and_latest.account_id,
        case
            when first_and_latest.first_version_as_of > month_first_reports.first_reported_as_of then 0
            else first_and_latest.first_version_mrr
        end as first_reported_mrr,
        month_first_reports.first_reported_as_of,
        coalesce(first_and_latest.current_mrr, 0) as current_mrr,
        first_and_latest.last_changed_as_of,
        first_and_latest.version_count
    from first_and_latest
    inner join month_first_reports
        on first_and_latest.month = month_first_reports.month
    where first_and_latest.largest_mrr > 0
),

final as (
    select
        month,
        account_id,
        cast(first_reported_mrr as decimal(18, 2)) as first_reported_mrr,
        cast(first_reported_as_of as date) as first_reported_as_of,
        cast(current_mrr as decimal(18, 2)) as current_mrr,
        cast(current_mrr - first_reported_mrr as decimal(18, 2)) as mrr_restated_by,
        cast(last_changed_as_of as date) as restated_as_of,
        cast(version_count as integer) as reported_versions
    from with_first_report
)

select * from final
