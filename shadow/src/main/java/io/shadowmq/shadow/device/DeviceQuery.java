package io.shadowmq.shadow.device;

import java.util.Collection;
import java.util.Map;

/**
 * Which devices a page of the registry holds: ids after a cursor, in id order, with an id prefix,
 * tags that must all match, and optionally only (or none of) a set of ids.
 *
 * @param after   the last id of the previous page, or null for the first page
 * @param prefix  ids start with this, or null
 * @param tags    name=value pairs every device must carry (empty: any)
 * @param onlyIds when not null, only these ids
 * @param notIds  when not null, none of these ids
 * @param limit   devices at most
 */
public record DeviceQuery(String after, String prefix, Map<String, String> tags, Collection<String> onlyIds,
                          Collection<String> notIds, int limit) {
  public DeviceQuery {
    tags = Map.copyOf(tags);
  }
}
