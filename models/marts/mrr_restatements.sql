-- Account-months whose MRR changed after it was first reported (history model mrr_as_reported):
-- the first reported figure, the figure now, by how much and as of when it changed.
-- An account-month a month's first report did not have (revenue added later: a backdated contract
-- or subscription) was first reported as 0; one that only ever had 0 (a churn month later withdrawn)
-- never changed.

-- Each reader of the versions reads them itself: DuckDB would hold a CTE read twice in memory.
with versions_to_compare as (
    select * from {{ ref('mrr_as_reported') }}
),

versions_to_describe as (
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

candidate_account_months as (
    -- A changed or withdrawn figure leaves a superseded version, a late one is dated after its
    -- month's first report; almost every account-month has neither. Not every candidate changed:
    -- a churn row (0) withdrawn leaves 0.
    select distinct
        versions_to_compare.month,
        versions_to_compare.account_id
    from versions_to_compare
    inner join month_first_reports
        on versions_to_compare.month = month_first_reports.month
    where versions_to_compare.superseded_as_of is not null
        or versions_to_compare.reported_as_of > month_first_reports.first_reported_as_of
),

candidate_versions as (
    select
        versions_to_describe.month,
        versions_to_describe.account_id,
        versions_to_describe.mrr,
        versions_to_describe.reported_as_of,
        versions_to_describe.superseded_as_of
    from versions_to_describe
    inner join candidate_account_months
        on versions_to_describe.account_id = candidate_account_months.account_id
        and versions_to_describe.month = candidate_account_months.month
),

-- The builds that could have changed a restated figure: the month's first report and every build
-- that reported or withdrew one of its versions.
figure_events as (
    select
        candidate_account_months.month,
        candidate_account_months.account_id,
        month_first_reports.first_reported_as_of as event_as_of,
        cast(null as decimal(18, 2)) as reported_mrr
    from candidate_account_months
    inner join month_first_reports
        on candidate_account_months.month = month_first_reports.month
    union all
    select
        month,
        account_id,
        reported_as_of as event_as_of,
        mrr as reported_mrr
    from candidate_versions
    union all
    select
        month,
        account_id,
        superseded_as_of as event_as_of,
        cast(null as decimal(18, 2)) as reported_mrr
    from candidate_versions
    where superseded_as_of is not null
),

-- Each of those builds' figure. No version at a build means it reported no MRR: 0, so a churn row
-- (0) withdrawn later is no change.
figures_by_build as (
    select
        month,
        account_id,
        event_as_of as reported_as_of,
        coalesce(max(reported_mrr), 0) as mrr
    from figure_events
    group by
        month,
        account_id,
        event_as_of
),

figures_with_previous as (
    select
        month,
        account_id,
        reported_as_of,
        mrr,
        lag(mrr) over (
            partition by account_id, month
            order by reported_as_of asc
        ) as previous_mrr,
        lead(reported_as_of) over (
            partition by account_id, month
            order by reported_as_of asc
        ) as next_reported_as_of
    from figures_by_build
),

figure_changes as (
    select
        month,
        account_id,
        max(case when previous_mrr is null then mrr end) as first_reported_mrr,
        max(case when next_reported_as_of is null then mrr end) as current_mrr,
        max(case when mrr != previous_mrr then reported_as_of end) as last_changed_as_of,
        count(case when mrr != previous_mrr then 1 end) as change_count
    from figures_with_previous
    group by
        month,
        account_id
),

final as (
    select
        figure_changes.month,
        figure_changes.account_id,
        cast(figure_changes.first_reported_mrr as decimal(18, 2)) as first_reported_mrr,
        cast(month_first_reports.first_reported_as_of as date) as first_reported_as_of,
        cast(figure_changes.current_mrr as decimal(18, 2)) as current_mrr,
        cast(figure_changes.current_mrr - figure_changes.first_reported_mrr as decimal(18, 2)) as mrr_restated_by,
        cast(figure_changes.last_changed_as_of as date) as restated_as_of,
        -- The first figure and one per change: 100, 90, 100 is three versions.
        cast(figure_changes.change_count + 1 as integer) as reported_versions
    from figure_changes
    inner join month_first_reports
        on figure_changes.month = month_first_reports.month
    where figure_changes.change_count > 0
)

select * from final
