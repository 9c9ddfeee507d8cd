{#- Settings of the connection a model runs on, as a pre-hook of every model (dbt_project.yml).
    Postgres underestimates the month models' joins on account and month and picks nested loops
    over them: at 10,000 accounts fct_mrr_expansion_drivers alone ran for over 6 minutes. -#}
{% macro session_settings() -%}
    {{ return(adapter.dispatch('session_settings', 'mrr_warehouse')()) }}
{%- endmacro %}

{% macro default__session_settings() -%}
{%- endmacro %}

{% macro postgres__session_settings() -%}
    set enable_nestloop = off
{%- endmacro %}
