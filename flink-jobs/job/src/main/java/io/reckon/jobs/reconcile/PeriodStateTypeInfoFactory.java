package io.reckon.jobs.reconcile;

import io.reckon.jobs.records.CompactTypeInfo;
import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/** Gives {@link PeriodState} its {@link PeriodStateSerializer} wherever Flink extracts its type. */
public final class PeriodStateTypeInfoFactory extends TypeInfoFactory<PeriodState> {

    @Override
    public TypeInformation<PeriodState> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
        return new CompactTypeInfo<>(PeriodState.class, PeriodStateSerializer.INSTANCE);
    }
}
