"""The rule catalogue: one module per rule, registered here in the order their fixes run."""

from __future__ import annotations

from migrate.model import Finding, Fix, FixSafety, Invalid, ModuleContext, Rule, Valid
from rules.build_decorator_removed import BuildDecoratorRemoved
from rules.decorator_missing_parentheses import DecoratorMissingParentheses
from rules.enter_checkpoint_argument import EnterCheckpointArgument
from rules.checkpointing_enabled_option import CheckpointingEnabledOption
from rules.concurrent_inputs_option import ConcurrentInputsOption
from rules.exit_hook_parameters import ExitHookParameters
from rules.function_decorated_methods import FunctionDecoratedMethods
from rules.legacy_aenter_method import LegacyAenterMethod
from rules.legacy_aexit_method import LegacyAexitMethod
from rules.legacy_enter_method import LegacyEnterMethod
from rules.legacy_exit_method import LegacyExitMethod
from rules.autoscaler_options_renamed import AutoscalerOptionsRenamed
from rules.removed_options import RemovedOptions
from rules.experimental_clustered import ExperimentalClustered
from rules.hook_stacked_with_method import HookStackedWithMethod
from rules.method_keep_warm_option import MethodKeepWarmOption
from rules.scheduler_placement_option import SchedulerPlacementOption
from rules.cached_loader_setup import CachedLoaderSetup
from rules.expensive_setup_in_function import ExpensiveSetupInFunction
from rules.lazy_global_setup import LazyGlobalSetup
from rules.registered_cleanup import RegisteredCleanup
from rules.gpu_objects_to_strings import GpuObjectsToStrings
from rules.image_copy_local import ImageCopyLocal
from rules.init_to_parameters import InitToParameters
from rules.plain_init_to_parameters import PlainInitToParameters
from rules.submit_to_spawn import SubmitToSpawn
from rules.direct_call_of_modal_function import DirectCallOfModalFunction
from rules.uninstantiated_method_call import UninstantiatedMethodCall
from rules.lookup_to_from_name import LookupToFromName
from rules.lookup_keywords_removed import LookupKeywordsRemoved
from rules.method_lookup_to_cls import MethodLookupToCls
from rules.persisted_to_from_name import PersistedToFromName
from rules.pip_install_flags import PipInstallFlags
from rules.from_dockerhub_renamed import FromDockerhubRenamed
from rules.conda_to_micromamba import CondaToMicromamba
from rules.eol_python_image import EolPythonImage
from rules.context_mount_removed import ContextMountRemoved
from rules.image_extend_removed import ImageExtendRemoved
from rules.new_to_ephemeral import NewToEphemeral
from rules.static_delete_to_objects import StaticDeleteToObjects
from rules.create_deployed_to_objects import CreateDeployedToObjects
from rules.dict_data_to_update import DictDataToUpdate
from rules.secret_from_dict import SecretFromDict
from rules.secret_to_secrets import SecretToSecrets
from rules.call_to_remote import CallToRemote
from rules.object_methods_renamed import ObjectMethodsRenamed
from rules.modal_names_renamed import ModalNamesRenamed
from rules.mount_removed import MountRemoved
from rules.mounts_to_image_add_local import MountsToImageAddLocal
from rules.network_file_system_deprecated import NetworkFileSystemDeprecated
from rules.keep_warm_method import KeepWarmMethod
from rules.update_autoscaler_method import UpdateAutoscalerMethod
from rules.experimental_update_autoscaler import ExperimentalUpdateAutoscaler
from rules.spawn_generator import SpawnGenerator
from rules.map_wrapped_exceptions import MapWrappedExceptions
from rules.aio_interface_removed import AioInterfaceRemoved
from rules.requested_conversion import RequestedConversion
from rules.stub_to_app import StubToApp
from rules.app_attributes import AppAttributes
from rules.app_removed_members import AppRemovedMembers
from rules.app_members_renamed import AppMembersRenamed
from rules.app_deploy_name import AppDeployName
from rules.cls_mixin_removed import ClsMixinRemoved
from rules.unused_noqa import UnusedNoqa
from rules.web_endpoint_renamed import WebEndpointRenamed
from rules.app_web_decorators import AppWebDecorators
from rules.wait_for_response_option import WaitForResponseOption
from rules.web_factory_signature import WebFactorySignature
from rules.sandbox_options_removed import SandboxOptionsRemoved
from rules.sandbox_filesystem_methods import SandboxFilesystemMethods
from rules.sandbox_names_moved import SandboxNamesMoved
from rules.sandbox_without_app import SandboxWithoutApp
from rules.environment_members_renamed import EnvironmentMembersRenamed
from rules.functions_to_methods import FunctionsToMethods
from rules.from_id_aio import FromIdAio
from rules.sandbox_list_without_app_id import SandboxListWithoutAppId
from rules.unencrypted_tunnel_url import UnencryptedTunnelUrl
from rules.grpc_error_caught import GrpcErrorCaught

# Order matters only for which of two overlapping fixes goes first; the engine re-runs the rest.
ALL_RULES: tuple[type[Rule], ...] = (
    LegacyEnterMethod,
    LegacyExitMethod,
    LegacyAenterMethod,
    LegacyAexitMethod,
    AppWebDecorators,  # before MOD205: a pre-0.49 class's webhook methods get their `@app.function` first
    FunctionDecoratedMethods,
    ExitHookParameters,
    DecoratorMissingParentheses,
    EnterCheckpointArgument,
    CheckpointingEnabledOption,
    AutoscalerOptionsRenamed,
    RemovedOptions,
    ExperimentalClustered,
    HookStackedWithMethod,
    MethodKeepWarmOption,
    SchedulerPlacementOption,
    ConcurrentInputsOption,
    BuildDecoratorRemoved,
    LazyGlobalSetup,
    CachedLoaderSetup,
    RegisteredCleanup,
    ExpensiveSetupInFunction,
    RequestedConversion,
    PlainInitToParameters,
    InitToParameters,
    SubmitToSpawn,
    DirectCallOfModalFunction,
    UninstantiatedMethodCall,
    StubToApp,
    AppAttributes,
    AppRemovedMembers,
    AppMembersRenamed,
    AppDeployName,
    ClsMixinRemoved,
    WebEndpointRenamed,
    WaitForResponseOption,
    WebFactorySignature,
    GpuObjectsToStrings,
    ImageCopyLocal,
    MountsToImageAddLocal,
    MountRemoved,
    PipInstallFlags,
    FromDockerhubRenamed,
    CondaToMicromamba,
    EolPythonImage,
    ContextMountRemoved,
    ImageExtendRemoved,
    LookupKeywordsRemoved,
    LookupToFromName,
    MethodLookupToCls,
    PersistedToFromName,
    NewToEphemeral,
    StaticDeleteToObjects,
    CreateDeployedToObjects,
    DictDataToUpdate,
    SecretFromDict,
    SecretToSecrets,
    CallToRemote,
    ObjectMethodsRenamed,
    ModalNamesRenamed,
    NetworkFileSystemDeprecated,
    KeepWarmMethod,
    UpdateAutoscalerMethod,
    ExperimentalUpdateAutoscaler,
    SpawnGenerator,
    MapWrappedExceptions,
    AioInterfaceRemoved,
    SandboxOptionsRemoved,
    SandboxFilesystemMethods,
    SandboxNamesMoved,
    SandboxWithoutApp,
    EnvironmentMembersRenamed,
    FunctionsToMethods,
    FromIdAio,
    SandboxListWithoutAppId,
    UnencryptedTunnelUrl,
    GrpcErrorCaught,
    UnusedNoqa,
)


def rules_by_code() -> dict[str, type[Rule]]:
    return {rule.CODE: rule for rule in ALL_RULES}


__all__ = ["ALL_RULES", "Finding", "Fix", "FixSafety", "Invalid", "ModuleContext", "Rule", "Valid", "rules_by_code"]
