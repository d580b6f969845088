package io.reckon.jobs.reconcile;

import io.reckon.jobs.records.CompactTypeInfo;
import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/** Gives {@link AnomalyState} its {@link AnomalyStateSerializer} wherever Flink extracts its type. */
public final class AnomalyStateTypeInfoFactory extends TypeInfoFactory<AnomalyState> {

    @Override
    public TypeInformation<AnomalyState> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
        return new CompactTypeInfo<>(AnomalyState.class, AnomalyStateSerializer.INSTANCE);
    }
}
