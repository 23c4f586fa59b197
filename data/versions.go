package data

import (
	"context"
	"fmt"
)

// RestoreVersion makes boundary version id current again by saving a copy
// of it as a new version of its layer (the versions in between stay, so a
// restore can itself be undone). It works on any Store and returns the new
// version's id; an unknown id is geo.ErrNotFound.
func RestoreVersion(ctx context.Context, s Store, id int64) (int64, error) {
	set, err := s.VersionSet(ctx, id)
	if err != nil {
		return 0, err
	}
	set.Version = 0
	nid, err := s.SaveSet(ctx, set, fmt.Sprintf("restore of version %d", id))
	if err != nil {
		return 0, fmt.Errorf("restore version %d: %w", id, err)
	}
	return nid, nil
}
