package io.reckon.jobs.reconcile;

import io.reckon.jobs.records.CompactTypeInfo;
import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/** Gives {@link Agg} its {@link AggSerializer} wherever Flink extracts its type (state, POJO fields). */
public final class AggTypeInfoFactory extends TypeInfoFactory<Agg> {

    @Override
    public TypeInformation<Agg> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
        return new CompactTypeInfo<>(Agg.class, AggSerializer.INSTANCE);
    }
}
