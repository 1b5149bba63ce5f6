-- Only elected bodies (seed bodies.is_elected) have a term in indicators.
select indicators.*
from {{ ref('area_indicators') }} as indicators
inner join {{ ref('bodies') }} as bodies
    on bodies.body_code = indicators.body_code
where indicators.term is not null
  and not bodies.is_elected
