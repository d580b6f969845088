package io.reckon.jobs.reconcile;

import io.reckon.jobs.records.CompactTypeInfo;
import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/** Gives {@link IdCopies} its {@link IdCopiesSerializer} wherever Flink extracts its type. */
public final class IdCopiesTypeInfoFactory extends TypeInfoFactory<IdCopies> {

    @Override
    public TypeInformation<IdCopies> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
        return new CompactTypeInfo<>(IdCopies.class, IdCopiesSerializer.INSTANCE);
    }
}
