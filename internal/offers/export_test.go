package offers

// TotalsCounted counts the lists' totals counted rather than found kept.
func TotalsCounted(s *Service) int64 { return s.counts.Load() }
