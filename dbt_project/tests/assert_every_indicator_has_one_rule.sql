-- Every indicator of seed indicators has its rule in macros/indicator_rules.sql and every rule its seed row: an
-- indicator without a rule would never be computed, a rule without a row never published.
with seed_indicators as (
    select indicator_code from {{ ref('indicators') }}
),

indicator_rules as (
    {%- for indicator_code in indicator_rules() %}
    select '{{ indicator_code }}' as indicator_code{{ ' union all' if not loop.last }}
    {%- endfor %}
)

{{ rows_that_differ('seed_indicators', 'indicator_rules', ['indicator_code']) }}
