-- Rule 2: the reporting calendar runs from the first month in which any line counts through
-- the month of as_of. snapshot_date is the day a month is measured on.

with revenue_lines as (
    select * from {{ ref('int_revenue_lines') }}
),

calendar as (
    {{ dbt.date_spine('month', calendar_start(), dbt.dateadd('month', 1, as_of_month())) }}
),

first_month as (
    select min(first_counted_month) as first_month from revenue_lines
),

final as (
    select
        cast(calendar.date_month as date) as month,
        cast({{ dbt.dateadd('month', -1, 'calendar.date_month') }} as date) as previous_month,
        case
            when cast({{ dbt.last_day('calendar.date_month', 'month') }} as date) < {{ as_of_date() }}
                then cast({{ dbt.last_day('calendar.date_month', 'month') }} as date)
            else {{ as_of_date() }}
        end as snapshot_date
    from calendar
    inner join first_month
        on calendar.date_month >= first_month.first_month
)

select * from final
