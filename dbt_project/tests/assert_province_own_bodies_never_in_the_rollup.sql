-- The province's own bodies (seed bodies.roster_level = 'province': its Ban Chấp hành, Ban Thường vụ, agency
-- managers) come only from the province's own roster and are never summed with its units' bodies: a row has one of
-- them exactly when it is a province row that is no roll-up (units_expected null). Any row returned breaks that.
select
    indicators.area_level,
    indicators.area_code,
    indicators.as_of_date,
    indicators.body_code,
    indicators.indicator_code,
    indicators.units_expected
from {{ ref('area_indicators') }} as indicators
inner join {{ ref('bodies') }} as bodies
    on bodies.body_code = indicators.body_code
where (bodies.roster_level = 'province') <> (indicators.area_level = 'province' and indicators.units_expected is null)
