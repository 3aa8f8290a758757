"""Docstring parsing and reST -> metamodel text conversion."""

import unittest

from vapi_snapshot import docs

METHOD_DOC = '''
        Begins the Tools upgrade process. To monitor the status of the Tools
        upgrade, clients should check :func:`Tools.get`.
        This method was added in **vSphere API 7.0.0.0**.

        :type  vm: :class:`str`
        :param vm: Identifier of the virtual machine.
            The parameter must be an identifier for the resource type:
            ``VirtualMachine``.
        :type  command_line_options: :class:`str` or ``None``
        :param command_line_options: Command line options passed to the
            installer.
        :raise: :class:`com.vmware.vapi.std.errors_client.NotFound` 
            if the virtual machine is not found.
        :raise: :class:`com.vmware.vapi.std.errors_client.Error` 
            if the upgrade process fails.
        '''


def fake_resolve(target, module, scope):
    """Resolves a few names the way the bindings index would."""
    known = {
        "Tools.get": "{@link com.vmware.vcenter.vm.tools#get}",
        "Info.run_state": "{@link com.vmware.vcenter.vm.tools.info#run_state}",
        "com.vmware.vcenter.vm_client": "{@link com.vmware.vcenter.vm}",
    }
    return known.get(target)


class ParseTest(unittest.TestCase):
    def test_method_docstring_is_split_into_parts(self):
        parsed = docs.parse(METHOD_DOC)
        self.assertTrue(parsed.description.startswith("Begins the Tools upgrade process."))
        self.assertNotIn(":param", parsed.description)
        self.assertEqual(
            parsed.params["vm"],
            "Identifier of the virtual machine.\nThe parameter must be an identifier for the "
            "resource type:\n``VirtualMachine``.")
        self.assertEqual(parsed.param("command_line_options_", "command_line_options"),
                         "Command line options passed to the\ninstaller.")
        self.assertEqual(parsed.raises, [
            ("com.vmware.vapi.std.errors_client.NotFound", "if the virtual machine is not found."),
            ("com.vmware.vapi.std.errors_client.Error", "if the upgrade process fails."),
        ])
        self.assertFalse(parsed.deprecated)

    def test_boilerplate_directives_are_dropped_and_deprecation_noted(self):
        parsed = docs.parse('''
            The ``Info`` class holds things.

            .. deprecated:: vSphere API 9.1.0.0
                This class is deprecated as of **vSphere API 9.1.0.0**.

            .. tip::
                The arguments are used to initialize data attributes with the same
                names.
            ''')
        self.assertEqual(parsed.description, "The ``Info`` class holds things.")
        self.assertTrue(parsed.deprecated)
        self.assertEqual(parsed.deprecation_notes,
                         [("vSphere API 9.1.0.0", "This class is deprecated as of **vSphere API 9.1.0.0**.")])

    def test_deprecation_sentence_marks_deprecated(self):
        self.assertTrue(docs.parse("Old.\nThis attribute is deprecated as of **vSphere API 9.0**.").deprecated)
        self.assertFalse(docs.parse("Tells whether the item is deprecated.").deprecated)

    def test_deprecated_directive_inside_a_parameter_entry_marks_the_field(self):
        # The 8.0 bindings deprecate fields with the directive alone.
        parsed = docs.parse(
            """Spec.

            :type  network: :class:`str`
            :param network: Identifier for the network.

                .. deprecated:: vSphere API 8.0.3.0
                    Use ``networkSegment`` instead.
            :type  size: :class:`long`
            :param size: Size; see the deprecated ``limit``.
            """)
        self.assertTrue(docs.is_deprecated_text(parsed.param("network")))
        self.assertFalse(docs.is_deprecated_text(parsed.param("size")))


class ConvertTest(unittest.TestCase):
    def setUp(self):
        self.converter = docs.Converter(fake_resolve)

    def test_roles_literals_and_markup(self):
        text = ("Check :func:`Tools.get` and :attr:`Info.run_state` of ``vm``; a :class:`list` "
                "of :class:`dict`. See `RFC 6749\n<https://tools.ietf.org/html/rfc6749>`_. "
                "Added in **vSphere API 7.0**. Unknown :class:`Nope.Nothing`.")
        self.assertEqual(
            self.converter.convert(text, "com.vmware.vcenter.vm_client"),
            "Check {@link com.vmware.vcenter.vm.tools#get} and "
            "{@link com.vmware.vcenter.vm.tools.info#run_state} of {@code vm}; a list of map. "
            'See <a href="https://tools.ietf.org/html/rfc6749">RFC 6749</a>. '
            "Added in vSphere API 7.0. Unknown {@code Nope.Nothing}.")

    def test_module_literal_becomes_package_link(self):
        self.assertEqual(
            self.converter.convert("The ``com.vmware.vcenter.vm_client`` module.", "m"),
            "The {@link com.vmware.vcenter.vm} module.")

    def test_generated_resource_and_union_sentences_are_removed(self):
        text = ("ID of the Edge.\nWhen clients pass a value of this class as a parameter, the attribute\n"
                "must be an identifier for the resource type:\n``com.vmware.Edge``. When\n"
                "methods return a value of this class as a return value, the attribute\n"
                "will be an identifier for the resource type:\n``com.vmware.Edge``.\n"
                "This attribute is optional and it is only relevant when the value of\n"
                "``type`` is :attr:`Type.A` or :attr:`Type.B`.")
        self.assertEqual(self.converter.convert(text, "m"), "ID of the Edge.")
        self.assertEqual(
            self.converter.convert("The VM.\nThe parameter must be an identifier for the resource "
                                   "type:\n``VirtualMachine``.", "m"),
            "The VM.")

    def test_reflow_keeps_paragraphs_and_list_items(self):
        text = "First line\ncontinues.\n\n* item one\n  wraps\n* item two\n\nLast."
        self.assertEqual(docs.reflow(text),
                         "First line continues.\n\n* item one wraps\n* item two\n\nLast.")


if __name__ == "__main__":
    unittest.main()
