{#- What each completed month's MRR was when it was reported. Every build snapshots the account
    months that are complete at its as_of (the month's last day on or before as_of); a later build
    that computes a different MRR for such a month (a backdated cancellation, a late discount) closes
    the old version and opens a new one, dated by that build's as_of. An account-month that no
    longer has MRR is closed too. -#}
{% snapshot mrr_as_reported %}
    {{
        config(
            target_schema='snapshots',
            unique_key='account_month_key',
            strategy='check',
            check_cols=['mrr'],
            updated_at='reported_as_of',
            hard_deletes='invalidate',
        )
    }}

    select
        account_id || '|' || cast(month as varchar) as account_month_key,
        month,
        account_id,
        mrr,
        cast({{ as_of_date() }} as timestamp) as reported_as_of
    from {{ ref('fct_mrr') }}
    where cast({{ dbt.last_day('month', 'month') }} as date) <= {{ as_of_date() }}
{% endsnapshot %}
