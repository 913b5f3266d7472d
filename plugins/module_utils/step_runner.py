# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""Run what one of the collection's modules does, as the module or inside another module's call.

Each module of module_utils/steps has ARGUMENT_SPEC, MODULE_OPTIONS and
run(module). main() is the whole module. Inside another module, a step's
parameters are validated against that spec (defaults filled in, no_log values
hidden from the whole result) and run() gets a view of the calling module
whose params are the step's.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.basic import FILE_COMMON_ARGUMENTS, AnsibleModule

_VALIDATOR_OPTIONS = ('mutually_exclusive', 'required_together', 'required_one_of', 'required_if', 'required_by')


def main(step):
    """The module of ``step`` (a module_utils.steps module): run it with the task's arguments and exit."""
    module = AnsibleModule(argument_spec=step.ARGUMENT_SPEC, **step.MODULE_OPTIONS)
    module.exit_json(**step.run(module))


class StepModule(object):
    """The calling module, with the params, check mode and failure label of one step."""

    def __init__(self, module, name, params, check_mode=None):
        self._module = module
        self._name = name
        self.params = params
        self.check_mode = bool(module.check_mode or check_mode)

    def fail_json(self, msg, **kwargs):
        kwargs.pop('failed', None)
        self._module.fail_json(msg='%s: %s' % (self._name, msg), step=self._name, step_result=kwargs)

    def exit_json(self, **kwargs):
        raise RuntimeError('%s: a step returns its result, it does not exit' % self._name)

    def __getattr__(self, attr):
        return getattr(self._module, attr)


def validate(module, name, step, params):
    """The step's parameters checked against its spec, with defaults; fails the module naming the step."""
    spec = dict(step.ARGUMENT_SPEC)
    if step.MODULE_OPTIONS.get('add_file_common_args'):
        spec.update(FILE_COMMON_ARGUMENTS)
    options = dict((key, step.MODULE_OPTIONS[key]) for key in _VALIDATOR_OPTIONS if key in step.MODULE_OPTIONS)
    result = ArgumentSpecValidator(spec, **options).validate(dict(params))
    module.no_log_values.update(result._no_log_values)
    if result.error_messages:
        module.fail_json(msg='%s: %s' % (name, '; '.join(result.error_messages)), step=name)
    return result.validated_parameters


def run_step(module, name, step, params, check_mode=None):
    """Validate ``params`` for ``step`` (a module_utils.steps module) and return what its run() returns."""
    validated = validate(module, name, step, params)
    return step.run(StepModule(module, name, validated, check_mode))
