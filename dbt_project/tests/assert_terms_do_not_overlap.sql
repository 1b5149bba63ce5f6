-- A roster's date falls in one term at most (seed terms): overlapping rows would give an elected body two terms.
select earlier.term, later.term as overlapping_term
from {{ ref('terms') }} as earlier
inner join {{ ref('terms') }} as later
    on later.first_as_of_date > earlier.first_as_of_date
   and (earlier.last_as_of_date is null or later.first_as_of_date <= earlier.last_as_of_date)
