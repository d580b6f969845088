package io.reckon.connectors.registry;

import java.util.ArrayList;
import java.util.Collection;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;

/**
 * The generated class's model, except that Avro arrays are read into {@link ArrayList}s instead of
 * {@code GenericData.Array}. The latter compares its elements with the plain {@code GenericData}
 * model, which knows no logical types: {@code equals} on a decoded {@code Contract} (meters with
 * nullable decimals) throws "Unknown datum type java.math.BigDecimal". ArrayList compares with the
 * elements' own {@code equals}, which use the generated class's model. Avro's fast reader does not
 * run for a subclass of SpecificData, so only types that hold arrays are read with this model.
 */
final class ListArraySpecificData extends SpecificData {

    ListArraySpecificData(SpecificData base) {
        super(base.getClassLoader());
        base.getConversions().forEach(this::addLogicalTypeConversion);
    }

    @Override
    public Object newArray(Object old, int size, Schema schema) {
        if (old instanceof Collection<?> reusable) {
            @SuppressWarnings("unchecked")
            Collection<Object> list = (Collection<Object>) reusable;
            list.clear();
            return list;
        }
        return new ArrayList<>(size);
    }
}
