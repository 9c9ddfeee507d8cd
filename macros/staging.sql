{#- Shared mechanics of the staging layer: every raw table is text, may hold exact duplicate
    rows (collapsed, counted) and conflicting keys (rejected), and keeps its raw row as text
    so a rejected row can be shown to the person who has to fix the extract. -#}

{#- One row per distinct row as staging reads it: `read_as` names the columns staging reads through
    a normalisation ('id': clean_id, 'enumeration': lower-cased, 'currency': upper-cased), so rows
    that differ only there (`Active` and `active`, `1000` and `1000.0`) are exact duplicates, not a
    conflict. Those columns come out as read, raw row text included: keeping a written form instead
    (min of the text) made the collapse of 2.8M invoice lines 1.5 s instead of 0.95 s. -#}
{% macro collapse_exact_duplicates(relation, columns, read_as={}) -%}
    select
        {% for column in columns -%}
        {{ read_value(column, read_as.get(column)) }} as {{ column }},
        {% endfor -%}
        min(_row_number) as source_row_number,
        count(*) as raw_row_count
    from {{ relation }}
    group by
        {% for column in columns -%}
        {{ read_value(column, read_as.get(column)) }}{{ "," if not loop.last }}
        {% endfor %}
{%- endmacro %}

{% macro read_value(column, reading) -%}
    {%- if reading == 'id' -%}
    {{ clean_id(column) }}
    {%- elif reading == 'enumeration' -%}
    lower({{ column }})
    {%- elif reading == 'currency' -%}
    upper({{ column }})
    {%- elif reading is none -%}
    {{ column }}
    {%- else -%}
    {{ exceptions.raise_compiler_error("read_value: unknown reading '" ~ reading ~ "' of " ~ column) }}
    {%- endif -%}
{%- endmacro %}

{#- An id as written, except a whole number with a zero fraction: "1000.0" is the id 1000. pandas
    writes a column of whole-number ids that has an empty value as floats, and an account's id must
    read the same in every table. The `like` is a cheap first filter: the pattern runs on few values. -#}
{% macro clean_id(column) -%}
    case
        when {{ column }} like '%.0%' and {{ full_match(column, '-?[0-9]+[.]0+') }}
            then {{ dbt.split_part(column, "'.'", 1) }}
        else {{ column }}
    end
{%- endmacro %}

{#- "account_id=A1 | segment= | ..." : empty values shown as nothing, never dropped. Personal
    data columns show only whether they were set, so rejected_rows never carries them. -#}
{% macro raw_row_text(columns, personal_columns=[]) -%}
    {%- set labelled_values = [] -%}
    {%- for column in columns -%}
        {%- set value -%}
            {%- if column in personal_columns -%}
            case when {{ column }} is null then '' else '<personal data>' end
            {%- else -%}
            coalesce({{ column }}, '')
            {%- endif -%}
        {%- endset -%}
        {%- do labelled_values.append(("'" ~ (" | " if not loop.first else "") ~ column ~ "='", value)) -%}
    {%- endfor -%}
    {{ return(adapter.dispatch('raw_row_text', 'mrr_warehouse')(labelled_values)) }}
{%- endmacro %}

{% macro default__raw_row_text(labelled_values) -%}
    {%- for label, value in labelled_values -%}
        {{ label }} || {{ value }}{{ " || " if not loop.last }}
    {%- endfor -%}
{%- endmacro %}

{#- One concat() builds each string once; a chain of || built every prefix of it on the way,
    ~3x slower (1.2 s on 2.8M invoice lines). Postgres's concat() is the same function. -#}
{% macro duckdb__raw_row_text(labelled_values) -%}
    concat(
        {%- for label, value in labelled_values -%}
        {{ label }}, {{ value }}{{ ", " if not loop.last }}
        {%- endfor -%}
    )
{%- endmacro %}

{% macro postgres__raw_row_text(labelled_values) -%}
    {{ return(duckdb__raw_row_text(labelled_values)) }}
{%- endmacro %}

{#- Personal data is replaced in staging by a salted hash: still joinable (the same email gives
    the same hash), never readable. The salt comes from MRR_PII_SALT. -#}
{% macro personal_data_hash(column) -%}
    case
        when {{ column }} is not null
            then {{ dbt.hash(dbt.concat([
                "'" ~ dbt.escape_single_quotes(env_var('MRR_PII_SALT', 'mrr-warehouse-local-salt')) ~ "'",
                'lower(trim(' ~ column ~ '))'
            ])) }}
    end
{%- endmacro %}

{#- First parse failure among (column, parsed expression) pairs, or null. -#}
{% macro first_parse_failure(parsed_columns) -%}
    case
        {%- for column, parsed in parsed_columns.items() %}
        when {{ column }} is not null and {{ parsed }} is null
            then '{{ column }}: ''' || {{ column }} || ''' does not parse'
        {%- endfor %}
    end
{%- endmacro %}

{#- Rows that share a primary key but differ elsewhere: no way to tell which is right, so all go.
    The keys seen more than once are few, so the staged rows meet them in a join with a tiny build
    side (a count over a window partitioned by the key took ~1 s more per read of a million-row
    table). Every key column is checked for missing values first, so null keys need no match.
    A staging model builds the CTE conflicting_keys, then the rows with rows_sharing_key (how many
    distinct staged rows have the row's key: 1 for a good row) from it and its typed rows. -#}
{% macro conflicting_keys(relation, key_columns) -%}
    select
        {%- for column in key_columns %}
        {{ column }} as conflicting_{{ column }},
        {%- endfor %}
        count(*) as rows_sharing_key
    from {{ relation }}
    group by {{ key_columns | join(', ') }}
    having count(*) > 1
{%- endmacro %}

{% macro with_rows_sharing_key(relation, key_columns) -%}
    select
        {{ relation }}.*,
        coalesce(conflicting_keys.rows_sharing_key, 1) as rows_sharing_key
    from {{ relation }}
    left join conflicting_keys
        on {% for column in key_columns -%}
        {{ relation }}.{{ column }} = conflicting_keys.conflicting_{{ column }}
        {{- "\n        and " if not loop.last }}
        {%- endfor %}
{%- endmacro %}

{% macro duplicate_key_conflict(key_columns) -%}
    case
        when rows_sharing_key > 1 then 'conflicting duplicate of {{ key_columns | join(", ") }}'
    end
{%- endmacro %}

{% macro missing_value(columns) -%}
    case
        {%- for column in columns %}
        when {{ column }} is null then 'missing {{ column }}'
        {%- endfor %}
    end
{%- endmacro %}

{#- Rule 9 for references: a value that names no valid row of the parent table (unknown, or
    itself rejected, so rejections cascade). parent_key is the parent's key after a left join. -#}
{% macro unknown_reference(child_column, parent_key, parent_table, problem=none) -%}
    case
        when {{ child_column }} is not null and {{ parent_key }} is null
            then '{{ child_column.split(".")[-1] }}: '''
                || {{ child_column }}
                || ''' {{ problem or "is not a valid " ~ parent_table ~ " row" }}'
    end
{%- endmacro %}

{#- Rule 9 for amounts the money arithmetic cannot carry: a line billing 10 billion or more per
    billing period (a mistyped quantity, say) is rejected instead of priced. Its MRR is added up,
    discounted and converted in 38-digit decimals at 12 decimals or more, where such amounts
    overflow and would fail the whole build. Compared as doubles: the decimal product itself could
    overflow. -#}
{% macro amount_beyond_limit(factors, label) -%}
    case
        when abs(
            {%- for factor in factors %} cast({{ factor }} as {{ type_ratio() | trim }}){{ " *" if not loop.last }}{% endfor -%}
        ) >= 1e10
            then '{{ label }} is 10 billion or more per billing period'
    end
{%- endmacro %}

{#- Each raw table, the model that judges its rows last (staging for its own values, intermediate
    models for references to other tables), where rejected and accepted rows are counted, and its
    primary key column in that model: a composite key is source_key, its parts joined with '|'.
    A single key is not copied into source_key: writing the copy cost ~2 s at 1M accounts. -#}
{% macro checked_source_tables() -%}
    {{ return([
        ('crm_accounts', 'stg_crm__accounts', 'account_id'),
        ('crm_contracts', 'int_crm_contracts_priced', 'contract_id'),
        ('crm_churn_reasons', 'int_crm_churn_reasons_validated', 'source_key'),
        ('billing_customers', 'int_billing_customers_mapped_to_accounts', 'customer_id'),
        ('billing_plans', 'stg_billing__plans', 'plan_id'),
        ('billing_subscriptions', 'int_subscriptions_billable_windows', 'subscription_id'),
        ('billing_subscription_items', 'int_subscription_items_priced', 'subscription_item_id'),
        ('billing_discounts', 'int_subscription_discounts_validated', 'discount_id'),
        ('billing_invoices', 'int_billing_invoices_validated', 'invoice_id'),
        ('billing_invoice_lines', 'int_billing_invoice_lines_validated', 'invoice_line_id'),
        ('fx_rates', 'stg_finance__fx_rates', 'source_key'),
        ('kpi_goals', 'stg_finance__kpi_goals', 'source_key'),
        ('sales_marketing_spend', 'int_sales_marketing_spend_monthly', 'source_key'),
    ]) }}
{%- endmacro %}

{#- A row's raw text is read only by rejected_rows, so the models that judge rows keep it for the
    rejected ones alone: writing it for every accepted row was ~5 s of a million-account build. -#}
{% macro raw_row_if_rejected(raw_row, rejection_reason) -%}
    case when {{ rejection_reason }} is not null then {{ raw_row }} end
{%- endmacro %}
