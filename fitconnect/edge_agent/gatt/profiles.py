"""The layouts of the standard fitness characteristics (Bluetooth GATT Specification
Supplement; FTMS v1.0, which real trainers implement: resistance level sint16, treadmill pace
uint8 in 0.1 km/min). Names and units are those of ``fitconnect-edge decode``'s output.

FTMS resolutions differ per characteristic, as the specification's field definitions say:
Cross Trainer Data's resistance level and stride count are in 0.1 (Indoor Bike's and Rower's
resistance in 1, Stair Climber's stride count in 1); Treadmill's elevation gains in 0.1 m,
Cross Trainer's and the climbers' in 1 m. ``tests/data/ftms_field_vectors.json`` holds a
vector for every field of every FTMS data characteristic.
"""

from __future__ import annotations

from collections.abc import Mapping

from fitconnect.edge_agent.gatt.layout import Field, Group, Layout, Value

F = Field


def _hr_finish(flags: int, out: dict[str, Value]) -> None:
    supported, detected = flags & 0b100, flags & 0b010
    out["sensor_contact"] = (
        ("detected" if detected else "not_detected") if supported else "not_supported"
    )


def _hr_flags(values: Mapping[str, Value]) -> int:
    contact = values.get("sensor_contact")
    return {"detected": 0b110, "not_detected": 0b100}.get(str(contact), 0)


def _cps_finish(flags: int, out: dict[str, Value]) -> None:
    if "accumulated_torque_nm" in out:
        out["accumulated_torque_source"] = "crank" if flags & 0b1000 else "wheel"


def _cps_flags(values: Mapping[str, Value]) -> int:
    crank = values.get("accumulated_torque_source") == "crank"
    return 0b1000 if crank and "accumulated_torque_nm" in values else 0


HEART_RATE = Layout(
    "2A37",
    "Heart Rate Measurement",
    1,
    (
        Group(0, (F("heart_rate_bpm", "u8"),), inverted=True),
        Group(0, (F("heart_rate_bpm", "u16"),)),
        Group(3, (F("energy_expended_kj", "u16"),)),
        Group(4, (F("rr_intervals_raw_1024", "u16", repeated=True),)),
    ),
    finish=_hr_finish,
    flags_of=_hr_flags,
)

CYCLING_POWER = Layout(
    "2A63",
    "Cycling Power Measurement",
    2,
    (
        Group(None, (F("power_w", "s16"),)),
        Group(0, (F("pedal_power_balance_pct", "u8", 0.5),)),
        Group(2, (F("accumulated_torque_nm", "u16", 1 / 32),)),
        Group(
            4,
            (F("cumulative_wheel_revs", "u32"), F("last_wheel_event_time_raw_2048", "u16")),
        ),
        Group(
            5,
            (F("cumulative_crank_revs", "u16"), F("last_crank_event_time_raw_1024", "u16")),
        ),
        Group(6, (F("max_force_n", "s16"), F("min_force_n", "s16"))),
        Group(7, (F("max_torque_nm", "s16", 1 / 32), F("min_torque_nm", "s16", 1 / 32))),
        Group(8, (F("max_angle_deg", "u12x2", second="min_angle_deg"),)),
        Group(9, (F("top_dead_spot_angle_deg", "u16"),)),
        Group(10, (F("bottom_dead_spot_angle_deg", "u16"),)),
        Group(11, (F("accumulated_energy_kj", "u16"),)),
    ),
    flag_values=(("pedal_power_balance_left_reference", 1), ("offset_compensation_indicator", 12)),
    finish=_cps_finish,
    flags_of=_cps_flags,
)

CSC = Layout(
    "2A5B",
    "CSC Measurement",
    1,
    (
        Group(
            0,
            (F("cumulative_wheel_revs", "u32"), F("last_wheel_event_time_raw_1024", "u16")),
        ),
        Group(
            1,
            (F("cumulative_crank_revs", "u16"), F("last_crank_event_time_raw_1024", "u16")),
        ),
    ),
)

RSC = Layout(
    "2A53",
    "RSC Measurement",
    1,
    (
        Group(None, (F("speed_mps", "u16", 1 / 256), F("cadence_spm", "u8"))),
        Group(0, (F("stride_length_m", "u16", 0.01),)),
        Group(1, (F("total_distance_m", "u32", 0.1),)),
    ),
    flag_values=(("is_running", 2),),
)

_ENERGY = (
    F("total_energy_kcal", "u16"),
    F("energy_per_hour_kcal", "u16"),
    F("energy_per_minute_kcal", "u8"),
)

INDOOR_BIKE = Layout(
    "2AD2",
    "Indoor Bike Data",
    2,
    (
        Group(0, (F("speed_kmh", "u16", 0.01),), inverted=True),
        Group(1, (F("avg_speed_kmh", "u16", 0.01),)),
        Group(2, (F("cadence_rpm", "u16", 0.5),)),
        Group(3, (F("avg_cadence_rpm", "u16", 0.5),)),
        Group(4, (F("total_distance_m", "u24"),)),
        Group(5, (F("resistance_level", "s16"),)),
        Group(6, (F("power_w", "s16"),)),
        Group(7, (F("avg_power_w", "s16"),)),
        Group(8, _ENERGY),
        Group(9, (F("heart_rate_bpm", "u8"),)),
        Group(10, (F("met", "u8", 0.1),)),
        Group(11, (F("elapsed_time_s", "u16"),)),
        Group(12, (F("remaining_time_s", "u16"),)),
    ),
)

TREADMILL = Layout(
    "2ACD",
    "Treadmill Data",
    2,
    (
        Group(0, (F("speed_kmh", "u16", 0.01),), inverted=True),
        Group(1, (F("avg_speed_kmh", "u16", 0.01),)),
        Group(2, (F("total_distance_m", "u24"),)),
        Group(3, (F("inclination_pct", "s16", 0.1), F("ramp_angle_deg", "s16", 0.1))),
        Group(4, (F("pos_elevation_gain_m", "u16", 0.1), F("neg_elevation_gain_m", "u16", 0.1))),
        Group(5, (F("inst_pace_km_per_min", "u8", 0.1),)),
        Group(6, (F("avg_pace_km_per_min", "u8", 0.1),)),
        Group(7, _ENERGY),
        Group(8, (F("heart_rate_bpm", "u8"),)),
        Group(9, (F("met", "u8", 0.1),)),
        Group(10, (F("elapsed_time_s", "u16"),)),
        Group(11, (F("remaining_time_s", "u16"),)),
        Group(12, (F("force_on_belt_n", "s16"), F("power_output_w", "s16"))),
    ),
)

ROWER = Layout(
    "2AD1",
    "Rower Data",
    2,
    (
        Group(0, (F("stroke_rate_spm", "u8", 0.5), F("stroke_count", "u16")), inverted=True),
        Group(1, (F("avg_stroke_rate_spm", "u8", 0.5),)),
        Group(2, (F("total_distance_m", "u24"),)),
        Group(3, (F("inst_pace_s_per_500m", "u16"),)),
        Group(4, (F("avg_pace_s_per_500m", "u16"),)),
        Group(5, (F("power_w", "s16"),)),
        Group(6, (F("avg_power_w", "s16"),)),
        Group(7, (F("resistance_level", "s16"),)),
        Group(8, _ENERGY),
        Group(9, (F("heart_rate_bpm", "u8"),)),
        Group(10, (F("met", "u8", 0.1),)),
        Group(11, (F("elapsed_time_s", "u16"),)),
        Group(12, (F("remaining_time_s", "u16"),)),
    ),
)

CROSS_TRAINER = Layout(
    "2ACE",
    "Cross Trainer Data",
    3,
    (
        Group(0, (F("speed_kmh", "u16", 0.01),), inverted=True),
        Group(1, (F("avg_speed_kmh", "u16", 0.01),)),
        Group(2, (F("total_distance_m", "u24"),)),
        Group(3, (F("steps_per_minute", "u16"), F("avg_step_rate", "u16"))),
        Group(4, (F("stride_count", "u16", 0.1),)),
        Group(5, (F("pos_elevation_gain_m", "u16"), F("neg_elevation_gain_m", "u16"))),
        Group(6, (F("inclination_pct", "s16", 0.1), F("ramp_angle_deg", "s16", 0.1))),
        Group(7, (F("resistance_level", "s16", 0.1),)),
        Group(8, (F("power_w", "s16"),)),
        Group(9, (F("avg_power_w", "s16"),)),
        Group(10, _ENERGY),
        Group(11, (F("heart_rate_bpm", "u8"),)),
        Group(12, (F("met", "u8", 0.1),)),
        Group(13, (F("elapsed_time_s", "u16"),)),
        Group(14, (F("remaining_time_s", "u16"),)),
    ),
    flag_values=(("movement_direction_backward", 15),),
)

STEP_CLIMBER = Layout(
    "2ACF",
    "Step Climber Data",
    2,
    (
        Group(0, (F("floors", "u16"), F("step_count", "u16")), inverted=True),
        Group(1, (F("steps_per_minute", "u16"),)),
        Group(2, (F("avg_step_rate", "u16"),)),
        Group(3, (F("pos_elevation_gain_m", "u16"),)),
        Group(4, _ENERGY),
        Group(5, (F("heart_rate_bpm", "u8"),)),
        Group(6, (F("met", "u8", 0.1),)),
        Group(7, (F("elapsed_time_s", "u16"),)),
        Group(8, (F("remaining_time_s", "u16"),)),
    ),
)

STAIR_CLIMBER = Layout(
    "2AD0",
    "Stair Climber Data",
    2,
    (
        Group(0, (F("floors", "u16"),), inverted=True),
        Group(1, (F("steps_per_minute", "u16"),)),
        Group(2, (F("avg_step_rate", "u16"),)),
        Group(3, (F("pos_elevation_gain_m", "u16"),)),
        Group(4, (F("stride_count", "u16"),)),
        Group(5, _ENERGY),
        Group(6, (F("heart_rate_bpm", "u8"),)),
        Group(7, (F("met", "u8", 0.1),)),
        Group(8, (F("elapsed_time_s", "u16"),)),
        Group(9, (F("remaining_time_s", "u16"),)),
    ),
)

# Fitness Machine Status (0x2ADA): op code, then the parameter of that op code.
MACHINE_STATUS_PARAMETERS: dict[int, tuple[Field, ...]] = {
    0x02: (F("stop_pause_control", "u8"),),
    0x05: (F("target_speed_kmh", "u16", 0.01),),
    0x06: (F("target_inclination_pct", "s16", 0.1),),
    0x07: (F("target_resistance_level", "u8", 0.1),),
    0x08: (F("target_power_w", "s16"),),
    0x09: (F("target_heart_rate_bpm", "u8"),),
    0x0A: (F("target_expended_energy_kcal", "u16"),),
    0x0B: (F("target_steps", "u16"),),
    0x0C: (F("target_strides", "u16"),),
    0x0D: (F("target_distance_m", "u24"),),
    0x0E: (F("target_training_time_s", "u16"),),
    0x12: (
        F("wind_speed_mps", "s16", 0.001),
        F("grade_pct", "s16", 0.01),
        F("crr", "u8", 0.0001),
        F("cw_kg_per_m", "u8", 0.01),
    ),
    0x13: (F("wheel_circumference_mm", "u16", 0.1),),
    0x14: (F("spin_down_status", "u8"),),
    0x15: (F("target_cadence_rpm", "u16", 0.5),),
}

MEASUREMENT_LAYOUTS: dict[str, Layout] = {
    layout.characteristic: layout
    for layout in (
        HEART_RATE,
        CYCLING_POWER,
        CSC,
        RSC,
        INDOOR_BIKE,
        TREADMILL,
        ROWER,
        CROSS_TRAINER,
        STEP_CLIMBER,
        STAIR_CLIMBER,
    )
}
